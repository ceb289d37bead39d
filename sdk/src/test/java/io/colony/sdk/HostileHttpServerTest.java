package io.colony.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.protocol.Identity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SDK's HTTP client against a fake node on port 0 that answers with broken or hostile replies:
 * each ends in one clear error, soon, never in a hang, an unbounded read or a library exception.
 */
class HostileHttpServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration NO_HANG = Duration.ofSeconds(15);

    /** What the fake node does on one connection (its index counts from 0). */
    @FunctionalInterface
    interface Script {
        void run(int connection, InputStream in, OutputStream out, Socket socket) throws Exception;
    }

    /** A node that reads requests and answers as its script says. */
    static final class FakeNode implements AutoCloseable {
        final ServerSocket server;
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        FakeNode(Script script) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    Socket s;
                    try {
                        s = server.accept();
                    } catch (IOException e) {
                        return;
                    }
                    open.add(s);
                    int n = connections.getAndIncrement();
                    Thread t = new Thread(() -> {
                        try (s) {
                            script.run(n, s.getInputStream(), s.getOutputStream(), s);
                        } catch (Exception ignored) {
                            // the client went away
                        } finally {
                            closed.incrementAndGet();
                        }
                    }, "fake-node-" + n);
                    t.setDaemon(true);
                    t.start();
                }
            }, "fake-node-accept");
            accept.setDaemon(true);
            accept.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort());
        }

        /** Reads one request (its head and Content-Length body); false at the end of the connection. */
        boolean request(InputStream in) throws IOException {
            String line = HttpTransport.readLine(in);
            if (line == null) {
                return false;
            }
            requests.add(line);
            long length = 0;
            String h;
            while ((h = HttpTransport.readLine(in)) != null && !h.isEmpty()) {
                if (h.toLowerCase().startsWith("content-length:")) {
                    length = Long.parseLong(h.substring("content-length:".length()).strip());
                }
            }
            in.readNBytes((int) length);
            return true;
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A node that reads the request, sends {@code reply} and then keeps the connection open without a word. */
    private static Script replies(String reply) {
        return (n, in, out, s) -> {
            new FakeNodeReader(in).request();
            out.write(ascii(reply));
            out.flush();
            in.read(); // until the client gives up
        };
    }

    /** Reads one request head without a node's bookkeeping (for scripts). */
    private record FakeNodeReader(InputStream in) {
        void request() throws IOException {
            String h;
            while ((h = HttpTransport.readLine(in)) != null && !h.isEmpty()) {
                // the head only: the requests of these tests have no body
            }
        }
    }

    private static IOException failure(FakeNode node, HttpTransport http) {
        return assertTimeoutPreemptively(NO_HANG, () ->
                assertThrows(IOException.class, () -> http.exchange("GET", "/api/v1/node", Map.of(), null, TIMEOUT)));
    }

    static Stream<Arguments> badReplies() {
        String ok = "HTTP/1.1 200 OK\r\n";
        return Stream.of(
                Arguments.of("another protocol", "SSH-2.0-OpenSSH_9.6\r\n", "not an HTTP reply"),
                Arguments.of("status not a number", "HTTP/1.1 abc OK\r\n\r\n", "not an HTTP reply"),
                Arguments.of("status of 4 digits", "HTTP/1.1 2000 OK\r\n\r\n", "not an HTTP reply"),
                Arguments.of("status out of range", "HTTP/1.1 600 Odd\r\n\r\n", "not an HTTP reply"),
                Arguments.of("unknown version", "HTTP/9.9 200 OK\r\n\r\n", "not an HTTP reply"),
                Arguments.of("empty status line", "\r\n\r\n", "not an HTTP reply"),
                Arguments.of("header without a colon", ok + "no colon here\r\n\r\n", "malformed header line"),
                Arguments.of("folded header", ok + "X-A: 1\r\n  folded\r\n\r\n", "malformed header line"),
                Arguments.of("space before the colon", ok + "Content-Length : 2\r\n\r\nok", "malformed header line"),
                Arguments.of("negative Content-Length", ok + "Content-Length: -5\r\n\r\n", "malformed Content-Length"),
                Arguments.of("Content-Length not a number", ok + "Content-Length: 12abc\r\n\r\n", "malformed Content-Length"),
                Arguments.of("Content-Length of 40 digits", ok + "Content-Length: " + "9".repeat(40) + "\r\n\r\n",
                        "malformed Content-Length"),
                Arguments.of("two Content-Lengths", ok + "Content-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
                        "conflicting Content-Length"),
                Arguments.of("Content-Length list", ok + "Content-Length: 5, 7\r\n\r\nhello", "conflicting Content-Length"),
                Arguments.of("too many header fields", ok + "X-A: 1\r\n".repeat(101) + "\r\n", "more than 100 header fields"),
                Arguments.of("endless header line", ok + "X-A: " + "a".repeat(70_000) + "\r\n\r\n", "longer than"),
                Arguments.of("endless status line", "HTTP/1.1 200 " + "a".repeat(70_000), "longer than"),
                Arguments.of("chunk size not hex", ok + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed chunk size"),
                Arguments.of("chunk size overflowing", ok + "Transfer-Encoding: chunked\r\n\r\n" + "f".repeat(17) + "\r\n",
                        "malformed chunk size"),
                Arguments.of("chunk longer than its size", ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX\r\n0\r\n\r\n",
                        "longer than its size"),
                Arguments.of("endless trailers", ok + "Transfer-Encoding: chunked\r\n\r\n0\r\n" + "X-T: 1\r\n".repeat(200),
                        "trailer fields"),
                Arguments.of("nine interim replies", "HTTP/1.1 100 Continue\r\n\r\n".repeat(9) + ok
                        + "Content-Length: 2\r\n\r\nok", "more than 8 interim replies"),
                Arguments.of("Content-Length over the cap", ok + "Content-Length: " + (300L << 20) + "\r\n\r\n",
                        "larger than 256 MiB"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badReplies")
    void aBadReplyIsOneClearErrorAndNoHang(String what, String reply, String expected) throws Exception {
        try (FakeNode node = new FakeNode(replies(reply))) {
            HttpTransport http = new HttpTransport(node.uri(), null);
            IOException e = failure(node, http);
            assertTrue(e.getMessage() != null && e.getMessage().contains(expected), what + ": " + e);
            assertTrue(e.getMessage().length() < 200, "one short line: " + e.getMessage());

            // what a user of the SDK sees: a ColonyException naming the node, nothing of the library
            ColonyClient client = new ColonyClient(node.uri(), Identity.generate());
            ColonyException ce = assertTimeoutPreemptively(NO_HANG, () ->
                    assertThrows(ColonyException.class, client::nodeInfo));
            assertEquals(0, ce.status());
            assertTrue(ce.getMessage().startsWith("cannot talk to node at " + node.uri() + ": "), ce.getMessage());
            assertTrue(ce.getMessage().contains(expected), ce.getMessage());
        }
    }

    @Test
    void eightInterimRepliesBeforeTheRealOneAreFine() throws Exception {
        String reply = "HTTP/1.1 100 Continue\r\nX-A: 1\r\n\r\n".repeat(8) + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        try (FakeNode node = new FakeNode(replies(reply))) {
            HttpReply r = new HttpTransport(node.uri(), null).exchange("GET", "/x", Map.of(), null, TIMEOUT);
            assertEquals(200, r.status());
            assertEquals("ok", new String(r.body(), StandardCharsets.UTF_8));
        }
    }

    /** A node that sends {@code head} and then body bytes without end. */
    private static Script endless(String head, boolean chunked) {
        return (n, in, out, s) -> {
            new FakeNodeReader(in).request();
            out.write(ascii(head));
            byte[] block = new byte[64 * 1024];
            byte[] chunk = chunked ? ascii(Integer.toHexString(block.length) + "\r\n") : new byte[0];
            while (true) {
                out.write(chunk);
                out.write(block);
                if (chunked) {
                    out.write(ascii("\r\n"));
                }
            }
        };
    }

    @Test
    void aChunkedBodyWithoutEndStopsAtTheCap() throws Exception {
        try (FakeNode node = new FakeNode(endless("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true))) {
            IOException e = failure(node, new HttpTransport(node.uri(), null, 1 << 20));
            assertTrue(e.getMessage().contains("larger than 1 MiB"), e.toString());
        }
    }

    @Test
    void aBodyUpToTheConnectionsEndStopsAtTheCap() throws Exception {
        try (FakeNode node = new FakeNode(endless("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", false))) {
            IOException e = failure(node, new HttpTransport(node.uri(), null, 1 << 20));
            assertTrue(e.getMessage().contains("larger than 1 MiB"), e.toString());
        }
    }

    @Test
    void aBodyOfTheCapExactlyIsRead() throws Exception {
        int cap = 1 << 20;
        try (FakeNode node = new FakeNode(replies("HTTP/1.1 200 OK\r\nContent-Length: " + cap + "\r\n\r\n"
                + "a".repeat(cap)))) {
            HttpReply r = new HttpTransport(node.uri(), null, cap).exchange("GET", "/x", Map.of(), null, TIMEOUT);
            assertEquals(cap, r.body().length);
        }
    }

    @Test
    void aNodeTricklingItsReplyCannotHoldTheCallPastItsTimeout() throws Exception {
        // one byte every 100 ms: each read is quick, the reply never ends
        Script trickle = (n, in, out, s) -> {
            new FakeNodeReader(in).request();
            out.write(ascii("HTTP/1.1 200 OK\r\n"));
            while (true) {
                out.write('X');
                out.flush();
                Thread.sleep(100); // the hostile node's pace, not a wait of the test
            }
        };
        try (FakeNode node = new FakeNode(trickle)) {
            HttpTransport http = new HttpTransport(node.uri(), null);
            long start = System.nanoTime();
            IOException e = assertTimeoutPreemptively(NO_HANG, () -> assertThrows(IOException.class,
                    () -> http.exchange("GET", "/x", Map.of(), null, Duration.ofSeconds(1))));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(e instanceof SocketTimeoutException, e.toString());
            assertTrue(ms >= 900 && ms < 5_000, ms + " ms");

        }
    }

    @Test
    void aClosedIdleConnectionIsResentOnANewOneOnce() throws Exception {
        FakeNode[] self = new FakeNode[1];
        Script script = (n, in, out, s) -> {
            while (self[0].request(in)) {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                out.flush();
                if (n == 0) {
                    return; // the node drops the kept-alive connection after one reply
                }
            }
        };
        try (FakeNode node = new FakeNode(script)) {
            self[0] = node;
            HttpTransport http = new HttpTransport(node.uri(), null);
            assertEquals(200, http.exchange("GET", "/one", Map.of(), null, TIMEOUT).status());
            Awaitility.await().atMost(NO_HANG).until(() -> node.closed.get() == 1);
            HttpReply second = http.exchange("GET", "/two", Map.of(), null, TIMEOUT);
            assertEquals(200, second.status());
            assertEquals(2, node.connections.get());
            assertEquals(List.of("GET /one HTTP/1.1", "GET /two HTTP/1.1"), node.requests);
        }
    }

    @Test
    void aResetIdleConnectionIsResentOnANewOne() throws Exception {
        FakeNode[] self = new FakeNode[1];
        Script script = (n, in, out, s) -> {
            while (self[0].request(in)) {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                out.flush();
                if (n == 0) {
                    s.setSoLinger(true, 0); // close with a reset
                    return;
                }
            }
        };
        try (FakeNode node = new FakeNode(script)) {
            self[0] = node;
            HttpTransport http = new HttpTransport(node.uri(), null);
            assertEquals(200, http.exchange("GET", "/one", Map.of(), null, TIMEOUT).status());
            Awaitility.await().atMost(NO_HANG).until(() -> node.closed.get() == 1);
            assertEquals(200, http.exchange("GET", "/two", Map.of(), null, TIMEOUT).status());
            assertEquals(2, node.connections.get());
        }
    }

    @Test
    void aNodeThatNeverRepliesIsAnErrorAfterOneResendNotALoop() throws Exception {
        FakeNode[] self = new FakeNode[1];
        Script script = (n, in, out, s) -> {
            if (n == 0) {
                self[0].request(in);
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                out.flush();
            }
            self[0].request(in); // then reads a request and closes without a word
        };
        try (FakeNode node = new FakeNode(script)) {
            self[0] = node;
            HttpTransport http = new HttpTransport(node.uri(), null);
            assertEquals(200, http.exchange("GET", "/one", Map.of(), null, TIMEOUT).status());
            IOException e = failure(node, http);
            assertTrue(e.getMessage().contains("closed the connection without a reply"), e.toString());
            assertEquals(2, node.connections.get(), "one resend on a new connection");
            assertEquals(3, node.requests.size(), node.requests.toString());
        }
    }

    @Test
    void aReplyCutShortIsAnError() throws Exception {
        for (String cut : new String[] {"HTTP/1.1 200 OK\r\nContent-Le", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhe"}) {
            Script script = (n, in, out, s) -> {
                new FakeNodeReader(in).request();
                out.write(ascii(cut));
                out.flush();
            };
            try (FakeNode node = new FakeNode(script)) {
                IOException e = failure(node, new HttpTransport(node.uri(), null));
                assertTrue(e.getMessage().contains("closed the connection inside a reply"), cut + ": " + e);
            }
        }
    }
}
