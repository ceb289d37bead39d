package io.colony.node.time;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wall-clock {@link Scheduler} running every task on one daemon thread, in due-time order (FIFO
 * among equal times), so the nodes of an in-memory network never run concurrently.
 */
public final class RealTimeScheduler implements Scheduler, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RealTimeScheduler.class);

    private final ScheduledExecutorService executor;
    private final long originNanos = System.nanoTime();
    private final long originMillis = System.currentTimeMillis();

    public RealTimeScheduler() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "in-memory-network");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        this.executor = e;
    }

    @Override
    public long now() {
        return originMillis + (System.nanoTime() - originNanos) / 1_000_000;
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        if (executor.isShutdown()) {
            return () -> { };
        }
        ScheduledFuture<?> f = executor.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("scheduled task failed", e);
            }
        }, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
