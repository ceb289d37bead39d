package io.colony.node.api;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * A reply body sent as server-sent events ({@code text/event-stream}) instead of JSON. Events produced
 * before the HTTP connection attaches are buffered (at most {@link #MAX_BUFFERED}; past that the stream
 * ends). Thread-safe: the node's loop produces, the connection's event loop consumes.
 */
public final class EventStream {

    /** Most events buffered before the connection attaches. */
    public static final int MAX_BUFFERED = 4096;

    private final Queue<String> buffered = new ArrayDeque<>();
    private Consumer<String> sink;
    private Runnable onEnd;
    private boolean ended;
    private AutoCloseable subscription;
    private boolean cancelled;
    private final long maxMillis;

    /** @param maxMillis how long the stream may stay open; then it sends {@code timeout} and ends */
    public EventStream(long maxMillis) {
        this.maxMillis = maxMillis;
    }

    /** How long the stream may stay open. */
    public long maxMillis() {
        return maxMillis;
    }

    /** Sends one event: {@code event: name} and one {@code data:} line of JSON text (no newlines). */
    public void event(String name, String jsonData) {
        String frame = "event: " + name + "\ndata: " + jsonData.replace("\n", " ") + "\n\n";
        Consumer<String> out;
        synchronized (this) {
            if (ended) {
                return;
            }
            if (sink == null) {
                if (buffered.size() >= MAX_BUFFERED) {
                    ended = true;
                    return;
                }
                buffered.add(frame);
                return;
            }
            out = sink;
        }
        out.accept(frame);
    }

    /** Ends the stream (the connection closes once everything before it was sent). */
    public void end() {
        Runnable r;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            r = onEnd;
        }
        if (r != null) {
            r.run();
        }
        cancel();
    }

    /** Starts delivery: buffered frames first, then live ones; {@code onEnd} runs once at the end. */
    void attach(Consumer<String> sink, Runnable onEnd) {
        boolean endNow;
        synchronized (this) {
            buffered.forEach(sink);
            buffered.clear();
            this.sink = sink;
            this.onEnd = onEnd;
            endNow = ended;
        }
        if (endNow) {
            onEnd.run();
            cancel();
        }
    }

    /** The subscription to close when the stream ends or the client goes away. */
    public void closeWith(AutoCloseable subscription) {
        boolean closeNow;
        synchronized (this) {
            this.subscription = subscription;
            closeNow = cancelled;
        }
        if (closeNow) {
            closeQuietly(subscription);
        }
    }

    /** The client went away or the stream ended: releases the subscription. */
    void cancel() {
        AutoCloseable s;
        synchronized (this) {
            ended = true;
            cancelled = true;
            s = subscription;
            subscription = null;
        }
        if (s != null) {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing a subscription does not fail in practice
        }
    }
}
