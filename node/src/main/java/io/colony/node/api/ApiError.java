package io.colony.node.api;

/**
 * A request that cannot be served, with the HTTP status to answer and, when one input field is to
 * blame, its name. The message is one line meant for the user. Sent as
 * {@code {"error": "...", "field": "..."}}.
 */
public final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int status;
    private final String field;
    private final long retryAfterSeconds;

    /**
     * @param status  HTTP status (4xx or 5xx)
     * @param message one readable line
     * @param field   offending input field, or {@code null}
     */
    public ApiError(int status, String message, String field) {
        this(status, message, field, 0);
    }

    private ApiError(int status, String message, String field, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 429: too many requests; the client may retry after {@code seconds} (sent as {@code Retry-After}). */
    public static ApiError tooManyRequests(String message, long seconds) {
        return new ApiError(429, message, null, Math.max(1, seconds));
    }

    /** Seconds to wait before a retry ({@code Retry-After}), 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** 400 naming a field. */
    public static ApiError badRequest(String field, String message) {
        return new ApiError(400, message, field);
    }

    /** 401: the signature is missing or wrong. */
    public static ApiError unauthorized(String message) {
        return new ApiError(401, message, null);
    }

    /** 403: validly signed, but the signer may not do this. */
    public static ApiError forbidden(String message) {
        return new ApiError(403, message, null);
    }

    /** 404. */
    public static ApiError notFound(String message) {
        return new ApiError(404, message, null);
    }

    /** 409: the record does not fit the process's current state. */
    public static ApiError conflict(String message) {
        return new ApiError(409, message, null);
    }

    /** 503: the node is busy or shutting down. */
    public static ApiError unavailable(String message) {
        return new ApiError(503, message, null);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The offending field, or {@code null}. */
    public String field() {
        return field;
    }
}
