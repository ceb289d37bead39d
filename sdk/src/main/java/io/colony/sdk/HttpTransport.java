package io.colony.sdk;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 to one node on plain sockets, TLS (through {@link ClientTls}) only for {@code https}: what
 * {@link ColonyClient} sends its requests with. Small on purpose: a command-line call loads a few
 * classes instead of the JDK's HTTP client and its TLS set-up. Bodies with {@code Content-Length},
 * chunked or up to the connection's end; idle connections are kept for the next request. Thread-safe.
 */
final class HttpTransport {

    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_HEADERS = 100;
    private static final int MAX_IDLE = 4;
    /** Largest reply body read into memory (a hostile or broken node cannot exhaust the heap). */
    private static final int MAX_BODY = 256 << 20;
    /** Most interim (1xx) replies accepted before the real one. */
    private static final int MAX_INTERIM = 8;

    private final String host;
    private final int port;
    private final String hostHeader;
    private final ClientTls tls;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final int maxBody;

    /**
     * @param base the node's address ({@code http://} or {@code https://}, host and port)
     * @param tls  how to check the node's certificate; required for https, null for http
     */
    HttpTransport(URI base, ClientTls tls) {
        this(base, tls, MAX_BODY);
    }

    /** As {@link #HttpTransport(URI, ClientTls)}, with another cap on the bytes of a reply body read into memory. */
    HttpTransport(URI base, ClientTls tls, int maxBody) {
        this.maxBody = maxBody;
        this.host = base.getHost();
        boolean https = "https".equalsIgnoreCase(base.getScheme());
        this.port = base.getPort() > 0 ? base.getPort() : https ? 443 : 80;
        this.hostHeader = base.getRawAuthority();
        this.tls = https ? (tls == null ? ClientTls.systemTrust() : tls) : null;
    }

    /**
     * One request whose reply is read into memory.
     *
     * @param pathAndQuery the request target as signed, e.g. {@code /api/v1/processes?limit=5}
     * @param headers      extra header fields
     * @param body         the body, or null for none
     * @param timeout      longest wait for the whole reply (its head and body) from the node
     */
    HttpReply exchange(String method, String pathAndQuery, Map<String, String> headers, byte[] body,
                       Duration timeout) throws IOException {
        Connection c = idle.pollFirst();
        if (c != null) {
            try {
                return exchange(c, method, pathAndQuery, headers, body, timeout);
            } catch (StaleConnection e) {
                // the node closed the idle connection before reading the request: send it on a new one
            }
        }
        try {
            return exchange(connect(timeout), method, pathAndQuery, headers, body, timeout);
        } catch (StaleConnection e) {
            throw new EOFException("the node closed the connection without a reply");
        }
    }

    /** One request whose reply body stays open ({@link HttpReply#stream}); close the reply when done. */
    HttpReply open(String method, String pathAndQuery, Map<String, String> headers, Duration timeout) throws IOException {
        Connection c = connect(timeout);
        try {
            c.send(method, pathAndQuery, headers, null);
            Head head = c.readHead(method);
            return new HttpReply(head.status, head.headers, new byte[0], head.body);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Closes the idle connections. */
    void close() {
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            c.close();
        }
    }

    private HttpReply exchange(Connection c, String method, String pathAndQuery, Map<String, String> headers,
                               byte[] body, Duration timeout) throws IOException {
        boolean keep = false;
        try {
            c.socket.setSoTimeout(millis(timeout));
            c.in.deadline = System.nanoTime() + timeout.toNanos();
            c.send(method, pathAndQuery, headers, body);
            Head head = c.readHead(method);
            if (head.length > maxBody) {
                throw tooLarge();
            }
            byte[] bytes = head.body.readNBytes(maxBody + 1);
            if (bytes.length > maxBody) {
                throw tooLarge();
            }
            keep = head.reusable;
            c.in.deadline = 0;
            return new HttpReply(head.status, head.headers, bytes, null);
        } finally {
            if (keep && idle.size() < MAX_IDLE) {
                idle.offerFirst(c);
            } else {
                c.close();
            }
        }
    }

    private IOException tooLarge() {
        return new IOException("the node's reply is larger than "
                + (maxBody >= 1 << 20 ? (maxBody >> 20) + " MiB" : maxBody + " bytes"));
    }

    private Connection connect(Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(millis(timeout));
            if (tls != null) {
                SSLSocket ssl = (SSLSocket) tls.context().getSocketFactory().createSocket(s, host, port, true);
                if (tls.pin() == null) {
                    SSLParameters p = ssl.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    ssl.setSSLParameters(p);
                }
                ssl.startHandshake();
                s = ssl;
            }
            return new Connection(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    /** One line of an HTTP head (CRLF or LF removed), or null at the end of the stream; a line cut short is an error. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                break;
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("the node sent a header line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        if (b < 0) {
            if (line.size() == 0) {
                return null;
            }
            throw new EOFException("the node closed the connection inside a reply");
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** The status line and header fields of a reply, and its body ({@code length} -1 when not told). */
    private record Head(int status, Map<String, List<String>> headers, InputStream body, long length, boolean reusable) {
    }

    /** A line the node sent, quoted for an error message (at most 80 characters, control characters as '?'). */
    static String quoted(String line) {
        String s = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return "'" + s.replaceAll("\\p{Cntrl}", "?") + "'";
    }

    /**
     * The socket's input; while an exchange runs, a read after its deadline fails as a timeout and a
     * read waits no longer than what is left (a node that trickles bytes cannot hold a call forever).
     */
    private static final class DeadlineInput extends InputStream {
        private final Socket socket;
        private final InputStream in;
        /** {@link System#nanoTime} by which the reply must have arrived; 0 for none. */
        long deadline;

        DeadlineInput(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (deadline != 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("the node's reply did not arrive in time");
                }
                int wait = (int) Math.min(Integer.MAX_VALUE, Math.max(1, (left + 999_999) / 1_000_000));
                if (socket.getSoTimeout() > wait || socket.getSoTimeout() == 0) {
                    socket.setSoTimeout(wait);
                }
            }
            return in.read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** A reused connection that the node had closed: nothing was read, the request may go again. */
    private static final class StaleConnection extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** One connection to the node. */
    private final class Connection {
        private final Socket socket;
        private final DeadlineInput in;
        private final InputStream buffered;
        private final OutputStream out;
        private boolean used;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DeadlineInput(socket);
            this.buffered = new BufferedInputStream(in);
            this.out = socket.getOutputStream();
        }

        void send(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
            StringBuilder h = new StringBuilder(256).append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(hostHeader).append("\r\n");
            headers.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
            if (body != null || !method.equals("GET")) {
                h.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
            }
            h.append("\r\n");
            byte[] head = h.toString().getBytes(StandardCharsets.UTF_8);
            try {
                out.write(head);
                if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (IOException e) {
                if (used) {
                    throw new StaleConnection();
                }
                throw e;
            }
        }

        Head readHead(String method) throws IOException {
            return readHead(method, 0);
        }

        private Head readHead(String method, int interim) throws IOException {
            InputStream in = buffered;
            String status;
            try {
                status = readLine(in);
            } catch (SocketException e) {
                if (used && interim == 0) { // reset: the node had dropped the idle connection
                    throw new StaleConnection();
                }
                throw e;
            }
            if (status == null) {
                if (used) {
                    throw new StaleConnection();
                }
                throw new EOFException("the node closed the connection without a reply");
            }
            used = true;
            String[] parts = status.split(" ", 3);
            int code;
            code = parts.length >= 2 && parts[0].matches("HTTP/1\\.[01]") && parts[1].matches("[1-5][0-9][0-9]")
                    ? Integer.parseInt(parts[1]) : -1;
            if (code < 100) {
                throw new IOException("not an HTTP reply from the node: " + quoted(status));
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            String line;
            int n = 0;
            while ((line = readLine(in)) != null && !line.isEmpty()) {
                if (++n > MAX_HEADERS) {
                    throw new IOException("the node sent more than " + MAX_HEADERS + " header fields");
                }
                int colon = line.indexOf(':');
                if (colon <= 0 || !line.substring(0, colon).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                    throw new IOException("malformed header line from the node: " + quoted(line));
                }
                headers.computeIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>(1)).add(line.substring(colon + 1).strip());
            }
            if (line == null) {
                throw new EOFException("the node closed the connection inside a reply");
            }
            if (code < 200) { // 100 Continue and the like: the real reply follows
                if (interim >= MAX_INTERIM) {
                    throw new IOException("the node sent more than " + MAX_INTERIM + " interim replies");
                }
                return readHead(method, interim + 1);
            }
            boolean close = first(headers, "connection").equalsIgnoreCase("close") || parts[0].equals("HTTP/1.0");
            InputStream body;
            boolean framed = true;
            long length = -1;
            if (method.equals("HEAD") || code == 204 || code == 304) {
                body = InputStream.nullInputStream();
                length = 0;
            } else if (first(headers, "transfer-encoding").toLowerCase(Locale.ROOT).contains("chunked")) {
                body = new ChunkedInputStream(in);
            } else if (headers.containsKey("content-length")) {
                length = contentLength(headers.get("content-length"));
                body = new BoundedInputStream(in, length);
            } else {
                body = in; // up to the end of the connection
                framed = false;
            }
            return new Head(code, headers, body, length, framed && !close);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    /** The one length that every Content-Length field names (a list of equal values is allowed). */
    private static long contentLength(List<String> fields) throws IOException {
        long length = -1;
        for (String field : fields) {
            for (String v : field.split(",", -1)) {
                String t = v.strip();
                if (!t.matches("[0-9]{1,18}")) {
                    throw new IOException("malformed Content-Length from the node: " + quoted(field));
                }
                long n = Long.parseLong(t);
                if (length >= 0 && n != length) {
                    throw new IOException("the node sent conflicting Content-Length fields: " + quoted(String.join(", ", fields)));
                }
                length = n;
            }
        }
        return length;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }
}
