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
}
