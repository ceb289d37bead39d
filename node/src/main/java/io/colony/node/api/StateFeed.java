package io.colony.node.api;

import io.colony.node.ledger.StateChange;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Subscriptions to process state changes on one node. The node {@link #publish publishes} every change
 * its ledger makes (client records, peers' records, timeouts) on its loop; each subscriber hears about
 * the processes it watches. Listeners run on the publishing thread and must not block.
 */
public final class StateFeed {

    /** Most subscriptions open at once on a node; more get 503. */
    public static final int MAX_SUBSCRIPTIONS = 4096;

    private final Map<String, List<Consumer<List<StateEvent>>>> byProcess = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();

    /**
     * Subscribes {@code listener} to the processes of {@code current}: it is called at once with
     * {@code current} (their states now, which also tells it which processes it watches), then with every
     * later change of one of them.
     *
     * @return closes the subscription (idempotent)
     * @throws ApiError 503 if {@link #MAX_SUBSCRIPTIONS} are open
     */
    public AutoCloseable subscribe(List<StateEvent> current, Consumer<List<StateEvent>> listener) {
        if (open.incrementAndGet() > MAX_SUBSCRIPTIONS) {
            open.decrementAndGet();
            throw ApiError.unavailable("too many subscriptions, retry later");
        }
        for (StateEvent e : current) {
            byProcess.computeIfAbsent(e.id(), k -> new CopyOnWriteArrayList<>()).add(listener);
        }
        listener.accept(current);
        boolean[] closed = {false};
        return () -> {
            synchronized (closed) {
                if (closed[0]) {
                    return;
                }
                closed[0] = true;
            }
            open.decrementAndGet();
            for (StateEvent e : current) {
                byProcess.computeIfPresent(e.id(), (k, list) -> {
                    list.remove(listener);
                    return list.isEmpty() ? null : list;
                });
            }
        };
    }

    /** Open subscriptions. */
    public int size() {
        return open.get();
    }

    /** Tells the subscribers of a process that log lines of it were stored (an event without a state). */
    public void publishLog(String processId) {
        if (byProcess.isEmpty()) {
            return;
        }
        List<Consumer<List<StateEvent>>> listeners = byProcess.get(processId);
        if (listeners != null) {
            List<StateEvent> event = List.of(new StateEvent(processId, null, 0, null));
            for (Consumer<List<StateEvent>> l : listeners) {
                l.accept(event);
            }
        }
    }

    /** Tells the subscribers of each changed process. */
    public void publish(List<StateChange> changes) {
        if (byProcess.isEmpty()) {
            return;
        }
        for (StateChange c : changes) {
            List<Consumer<List<StateEvent>>> listeners = byProcess.get(c.processIdText());
            if (listeners != null) {
                List<StateEvent> event = List.of(new StateEvent(c.processIdText(), c.to(), c.attempt(), c.executorId()));
                for (Consumer<List<StateEvent>> l : listeners) {
                    l.accept(event);
                }
            }
        }
    }
}
