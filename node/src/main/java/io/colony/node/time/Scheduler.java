package io.colony.node.time;

/**
 * Time and task scheduling of the in-memory network. A real-time implementation serves tests; a
 * discrete-event virtual-time implementation makes simulations deterministic for a fixed seed.
 */
public interface Scheduler {

    /** Current time in milliseconds (monotonic). */
    long now();

    /** Runs a task after a delay (0 = as soon as possible, after already queued tasks due now). */
    Cancellable schedule(long delayMillis, Runnable task);

    /** Handle of a scheduled task. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
