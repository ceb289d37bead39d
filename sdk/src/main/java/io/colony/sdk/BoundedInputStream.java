package io.colony.sdk;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** The body of an HTTP reply with a {@code Content-Length}: exactly that many bytes of the connection. */
final class BoundedInputStream extends InputStream {

    private final InputStream in;
    private long left;

    BoundedInputStream(InputStream in, long length) {
        this.in = in;
        this.left = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (left == 0) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n < 0) {
            throw new EOFException("the node closed the connection inside a reply");
        }
        left -= n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
