package io.colony.sdk;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A node's HTTP reply as {@link HttpTransport} reads it: the status, the header fields (names in lower
 * case) and the body, either read into memory or still open as a stream (server-sent events).
 *
 * @param status  the status code
 * @param headers header fields by lower-case name
 * @param body    the whole body (empty when {@link #stream} is open)
 * @param stream  the open body of a streamed reply, else null; closing it closes the connection
 */
record HttpReply(int status, Map<String, List<String>> headers, byte[] body, InputStream stream) implements Closeable {

    /** The first value of a header field, or null. */
    String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** A header field as a number, or {@code otherwise} when it is missing or not a number. */
    long headerAsLong(String name, long otherwise) {
        String v = header(name);
        try {
            return v == null ? otherwise : Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    @Override
    public void close() throws IOException {
        if (stream != null) {
            stream.close();
        }
    }
}
