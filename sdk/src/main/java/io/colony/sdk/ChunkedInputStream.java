package io.colony.sdk;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** The body of an HTTP/1.1 reply sent with {@code Transfer-Encoding: chunked}, de-chunked. */
final class ChunkedInputStream extends InputStream {

    private static final int MAX_TRAILERS = 100;
    private final InputStream in;
    private long left;
    private boolean done;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (done || (left == 0 && !nextChunk())) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n < 0) {
            throw new EOFException("the node closed the connection inside a reply");
        }
        left -= n;
        if (left == 0) {
            String end = HttpTransport.readLine(in); // the CRLF after the chunk
            if (end == null) {
                throw new EOFException("the node closed the connection inside a reply");
            }
            if (!end.isEmpty()) {
                throw new IOException("malformed chunked reply from the node: a chunk is longer than its size says");
            }
        }
        return n;
    }

    private boolean nextChunk() throws IOException {
        String line = HttpTransport.readLine(in);
        if (line == null) {
            throw new EOFException("the node closed the connection inside a reply");
        }
        int semi = line.indexOf(';');
        String size = (semi < 0 ? line : line.substring(0, semi)).strip();
        try {
            left = size.matches("[0-9a-fA-F]{1,15}") ? Long.parseLong(size, 16) : -1;
        } catch (NumberFormatException e) {
            left = -1;
        }
        if (left < 0) {
            throw new IOException("malformed chunk size from the node: " + HttpTransport.quoted(size));
        }
        if (left == 0) {
            String trailer;
            int trailers = 0;
            while ((trailer = HttpTransport.readLine(in)) != null && !trailer.isEmpty()) {
                if (++trailers > MAX_TRAILERS) { // trailers are ignored, but not without end
                    throw new IOException("the node sent more than " + MAX_TRAILERS + " trailer fields");
                }
            }
            if (trailer == null) {
                throw new EOFException("the node closed the connection inside a reply");
            }
            done = true;
            return false;
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
