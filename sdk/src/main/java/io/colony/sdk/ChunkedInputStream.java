package io.colony.sdk;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** The body of an HTTP/1.1 reply sent with {@code Transfer-Encoding: chunked}, de-chunked. */
final class ChunkedInputStream extends InputStream {

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
            HttpTransport.readLine(in); // the CRLF after the chunk
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
            left = Long.parseLong(size, 16);
        } catch (NumberFormatException e) {
            throw new IOException("malformed chunk size from the node: '" + size + "'");
        }
        if (left < 0) {
            throw new IOException("malformed chunk size from the node: '" + size + "'");
        }
        if (left == 0) {
            String trailer;
            while ((trailer = HttpTransport.readLine(in)) != null && !trailer.isEmpty()) {
                // trailers are ignored
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
