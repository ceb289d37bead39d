package io.colony.sdk;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
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

    /**
     * @param base the node's address ({@code http://} or {@code https://}, host and port)
     * @param tls  how to check the node's certificate; required for https, null for http
     */
    HttpTransport(URI base, ClientTls tls) {
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
     * @param timeout      longest wait for each read from the node
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
            c.send(method, pathAndQuery, headers, body);
            Head head = c.readHead(method);
            byte[] bytes = head.body.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new IOException("the node's reply is larger than " + (MAX_BODY >> 20) + " MiB");
            }
            keep = head.reusable;
            return new HttpReply(head.status, head.headers, bytes, null);
        } finally {
            if (keep && idle.size() < MAX_IDLE) {
                idle.offerFirst(c);
            } else {
                c.close();
            }
        }
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

    /** One line of an HTTP head (CRLF or LF removed), or null at the end of the stream. */
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
        if (b < 0 && line.size() == 0) {
            return null;
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** The status line and header fields of a reply, and its body. */
    private record Head(int status, Map<String, List<String>> headers, InputStream body, boolean reusable) {
    }

    /** A reused connection that the node had closed: nothing was read, the request may go again. */
    private static final class StaleConnection extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** One connection to the node. */
    private final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private boolean used;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
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
            String status = readLine(in);
            if (status == null) {
                if (used) {
                    throw new StaleConnection();
                }
                throw new EOFException("the node closed the connection without a reply");
            }
            used = true;
            String[] parts = status.split(" ", 3);
            int code;
            try {
                code = parts.length >= 2 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : -1;
            } catch (NumberFormatException e) {
                code = -1;
            }
            if (code < 100) {
                throw new IOException("not an HTTP reply from the node: '" + status + "'");
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            String line;
            int n = 0;
            while ((line = readLine(in)) != null && !line.isEmpty()) {
                if (++n > MAX_HEADERS) {
                    throw new IOException("the node sent more than " + MAX_HEADERS + " header fields");
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                            k -> new ArrayList<>(1)).add(line.substring(colon + 1).strip());
                }
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
            if (method.equals("HEAD") || code == 204 || code == 304) {
                body = InputStream.nullInputStream();
            } else if (first(headers, "transfer-encoding").toLowerCase(Locale.ROOT).contains("chunked")) {
                body = new ChunkedInputStream(in);
            } else if (!first(headers, "content-length").isEmpty()) {
                long length;
                try {
                    length = Long.parseLong(first(headers, "content-length"));
                } catch (NumberFormatException e) {
                    throw new IOException("malformed Content-Length from the node");
                }
                body = new BoundedInputStream(in, length);
            } else {
                body = in; // up to the end of the connection
                framed = false;
            }
            return new Head(code, headers, body, framed && !close);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }
}
