package io.colony.node.api;

import java.time.Duration;

/** Documented bounds of the HTTP API. */
public final class ApiLimits {

    /** Largest request body; larger requests get 413. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    /** Longest request line + headers. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /** Default and largest {@code limit} of a process list. */
    public static final int DEFAULT_LIST_LIMIT = 100;
    /** Largest {@code limit} of a process list. */
    public static final int MAX_LIST_LIMIT = 1000;
    /** Longest long-poll of {@code executors/assign}. */
    public static final Duration MAX_ASSIGN_TIMEOUT = Duration.ofSeconds(60);
    /** Most long-polls waiting at once; more get 503. */
    public static final int MAX_PENDING_ASSIGNS = 1024;
    /** Connections without any traffic for this long are closed (longer than the longest long-poll). */
    public static final int IDLE_SECONDS = 120;
    /** Longest a state event stream stays open (a client wanting more reconnects). */
    public static final Duration MAX_EVENT_STREAM = Duration.ofHours(1);
    /** Comment lines keep an idle event stream open at this period. */
    public static final int EVENT_KEEPALIVE_SECONDS = 15;
    /** Longest executor type or name. */
    public static final int MAX_NAME_CHARS = 256;

    private ApiLimits() {
    }
}
