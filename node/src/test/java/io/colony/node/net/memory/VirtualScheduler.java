package io.colony.node.net.memory;

import io.colony.node.time.Scheduler;
import java.util.PriorityQueue;

/** A minimal discrete-event scheduler for tests: virtual time advances only in {@link #runFor}. */
final class VirtualScheduler implements Scheduler {

    private record Task(long at, long seq, Runnable action, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;
    long executed;

    @Override
    public long now() {
        return now;
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        boolean[] cancelled = {false};
        queue.add(new Task(now + Math.max(0, delayMillis), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Runs every task due within the next {@code millis} of virtual time. */
    void runFor(long millis) {
        long end = now + millis;
        while (!queue.isEmpty() && queue.peek().at <= end) {
            Task t = queue.poll();
            now = t.at;
            if (!t.cancelled[0]) {
                executed++;
                t.action.run();
            }
        }
        now = end;
    }
}
