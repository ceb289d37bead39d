package io.colony.node.time;

import java.util.PriorityQueue;

/**
 * A discrete-event {@link Scheduler} on virtual time: no threads, no wall clock. Events run in
 * (time, sequence) order, so tasks due at the same time run in the order they were scheduled and a
 * run is identical for identical inputs. Time only moves when {@link #step} runs the next event.
 */
public final class VirtualScheduler implements Scheduler {

    /** One scheduled task. */
    private static final class Event implements Comparable<Event>, Cancellable {
        final long time;
        final long seq;
        final Runnable task;
        boolean cancelled;

        Event(long time, long seq, Runnable task) {
            this.time = time;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public int compareTo(Event o) {
            return time != o.time ? Long.compare(time, o.time) : Long.compare(seq, o.seq);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long now;
    private long seq;
    private long executed;
    private Runnable afterEach = () -> { };

    /** A scheduler whose virtual clock starts at {@code startMillis}. */
    public VirtualScheduler(long startMillis) {
        this.now = startMillis;
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        Event e = new Event(now + Math.max(0, delayMillis), seq++, task);
        queue.add(e);
        return e;
    }

    /** Runs {@code check} after every executed event (e.g. invariant checks). */
    public void afterEach(Runnable check) {
        this.afterEach = check;
    }

    /** Runs the next event, advancing the clock to its time. Returns false if none is pending. */
    public boolean step() {
        Event e;
        do {
            e = queue.poll();
            if (e == null) {
                return false;
            }
        } while (e.cancelled);
        now = e.time;
        executed++;
        e.task.run();
        afterEach.run();
        return true;
    }

    /** Runs every event due at or before {@code timeMillis}, then sets the clock to it. */
    public void runUntil(long timeMillis) {
        while (true) {
            Event next = queue.peek();
            if (next == null || next.time > timeMillis) {
                break;
            }
            if (next.cancelled) {
                queue.poll();
            } else {
                step();
            }
        }
        now = Math.max(now, timeMillis);
    }

    /** Runs events until {@code timeMillis} or until {@code stop} turns true (checked after each event). */
    public boolean runUntil(long timeMillis, java.util.function.BooleanSupplier stop) {
        while (!stop.getAsBoolean()) {
            Event next = queue.peek();
            if (next == null || next.time > timeMillis) {
                now = Math.max(now, timeMillis);
                return false;
            }
            if (next.cancelled) {
                queue.poll();
            } else {
                step();
            }
        }
        return true;
    }

    /** Events scheduled and not yet run (cancelled ones included until they are skipped). */
    public int pending() {
        return queue.size();
    }

    /** Events executed so far. */
    public long executed() {
        return executed;
    }
}
