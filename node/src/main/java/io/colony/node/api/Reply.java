package io.colony.node.api;

/**
 * An HTTP answer: a status and a JSON-serialisable body ({@code null} for no content).
 *
 * @param status HTTP status
 * @param body   serialised with Jackson
 */
public record Reply(int status, Object body) {

    /** 200 with a body. */
    public static Reply ok(Object body) {
        return new Reply(200, body);
    }

    /** 200 with a plain-text body of the given content type (e.g. Prometheus metrics). */
    public static Reply text(String contentType, String text) {
        return new Reply(200, new Text(contentType, text));
    }

    /**
     * A body sent as it is rather than as JSON.
     *
     * @param contentType its content type
     * @param text        the body
     */
    public record Text(String contentType, String text) {
    }
}
