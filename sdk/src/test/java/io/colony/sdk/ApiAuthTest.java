package io.colony.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.DevColony;
import io.colony.node.Node;
import io.colony.node.api.ApiSettings;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RequestSignature;
import io.colony.protocol.pb.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API refuses what an attacker on the network can send: each test fails if its protection goes. */
class ApiAuthTest {

    @TempDir
    static Path dir;
    static TestColony colony;
    static HttpClient http = HttpClient.newHttpClient();
    static String pid;

    @BeforeAll
    static void start() {
        colony = TestColony.start(dir.resolve("plain"), c -> c.withExecutor(null, null, 1));
        ProcessView p = colony.client.submit(FunctionSpec.of("cli", "echo", "secret"));
        pid = p.id();
    }

    @AfterAll
    static void stop() {
        colony.close();
    }

    private static String url(String pathAndQuery) {
        return "http://127.0.0.1:" + colony.node.apiPort() + pathAndQuery;
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder signed(Identity who, String method, String pathAndQuery, byte[] body,
            Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(pathAndQuery))).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return b;
    }

    private static Map<String, String> sig(Identity who, String method, String pathAndQuery, byte[] body) {
        return RequestSignature.headers(who, method, pathAndQuery, body);
    }

    @Test
    void healthIsOpenButAnUnsignedReadIsRefused() throws Exception {
        assertEquals(200, send(HttpRequest.newBuilder(URI.create(url("/api/v1/health")))).statusCode());
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url("/api/v1/processes/" + pid))));
        assertEquals(401, r.statusCode(), r.body());
        assertFalse(r.body().contains("secret"), r.body());
        assertTrue(r.body().contains("\"error\""), r.body());
        assertEquals(401, send(HttpRequest.newBuilder(URI.create(url("/api/v1/processes/" + pid + "/events")))).statusCode());
        assertEquals(401, send(HttpRequest.newBuilder(URI.create(url("/metrics")))).statusCode());
        // signed by a member: served
        String path = "/api/v1/processes/" + pid;
        HttpResponse<String> ok = send(signed(colony.dev.user(), "GET", path, null, sig(colony.dev.user(), "GET", path, null)));
        assertEquals(200, ok.statusCode(), ok.body());
        assertTrue(ok.body().contains("secret"));
    }

    @Test
    void everyReadRouteRefusesUnsignedRequestsAndNonMembersAndLeaksNothing() throws Exception {
        Identity stranger = Identity.generate();
        for (String path : java.util.List.of("/api/v1/node", "/api/v1/status", "/api/v1/processes?limit=10",
                "/api/v1/processes/" + pid, "/api/v1/processes/" + pid + "/logs", "/api/v1/workflows",
                "/api/v1/members", "/api/v1/executors", "/api/v1/ids/" + pid.substring(0, 8) + "?kind=process",
                "/api/v1/crons", "/api/v1/generators")) {
            HttpResponse<String> unsigned = send(HttpRequest.newBuilder(URI.create(url(path))));
            assertEquals(401, unsigned.statusCode(), path + ": " + unsigned.body());
            HttpResponse<String> foreign = send(signed(stranger, "GET", path, null, sig(stranger, "GET", path, null)));
            assertEquals(403, foreign.statusCode(), path + ": " + foreign.body());
            for (HttpResponse<String> r : java.util.List.of(unsigned, foreign)) {
                assertFalse(r.body().contains("secret") || r.body().contains(pid)
                        || r.body().contains(colony.dev.user().memberId()), path + " leaked: " + r.body());
            }
            HttpResponse<String> member = send(signed(colony.dev.user(), "GET", path, null,
                    sig(colony.dev.user(), "GET", path, null)));
            assertEquals(200, member.statusCode(), path + ": " + member.body());
        }
    }

    @Test
    void aSignatureOverAnotherPathOrBodyIsRefused() throws Exception {
        Identity user = colony.dev.user();
        String path = "/api/v1/processes/" + pid;
        // signed for the list, sent to one process
        assertEquals(401, send(signed(user, "GET", path, null, sig(user, "GET", "/api/v1/processes?limit=1", null)))
                .statusCode());
        // signed for another query string
        assertEquals(401, send(signed(user, "GET", "/api/v1/processes?limit=2", null,
                sig(user, "GET", "/api/v1/processes?limit=1", null))).statusCode());
        // signed for another body
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] other = "{}".getBytes(StandardCharsets.UTF_8);
        assertEquals(401, send(signed(user, "POST", "/api/v1/processes", body, sig(user, "POST", "/api/v1/processes",
                other))).statusCode());
    }

    @Test
    void aReplayedRequestIsRefused() throws Exception {
        Identity user = colony.dev.user();
        String path = "/api/v1/processes/" + pid;
        Map<String, String> h = sig(user, "GET", path, null);
        assertEquals(200, send(signed(user, "GET", path, null, h)).statusCode());
        HttpResponse<String> again = send(signed(user, "GET", path, null, h));
        assertEquals(401, again.statusCode(), again.body());
        assertTrue(again.body().contains("replayed"), again.body());
    }

    @Test
    void aStaleOrFutureTimestampIsRefused() throws Exception {
        Identity user = colony.dev.user();
        String path = "/api/v1/processes/" + pid;
        long now = System.currentTimeMillis();
        for (long ts : new long[] {now - 31_000, now + 31_000}) {
            HttpResponse<String> r = send(signed(user, "GET", path, null,
                    RequestSignature.headers(user, "GET", path, null, ts, RequestSignature.newNonce())));
            assertEquals(401, r.statusCode(), r.body());
            assertTrue(r.body().contains("timestamp"), r.body());
        }
    }

    @Test
    void aKeyThatIsNotAMemberCannotRead() throws Exception {
        Identity stranger = Identity.generate();
        String path = "/api/v1/processes/" + pid;
        HttpResponse<String> r = send(signed(stranger, "GET", path, null, sig(stranger, "GET", path, null)));
        assertEquals(403, r.statusCode(), r.body());
        assertFalse(r.body().contains("secret"));
        ColonyClient c = ColonyClient.connect("127.0.0.1", colony.node.apiPort(), stranger);
        assertThrows(ColonyException.AccessDeniedException.class, () -> c.list(null, 10));
    }

    @Test
    void aUserKeyMayNotAskForWorkButAnExecutorKeyMay() throws Exception {
        ColonyClient asUser = colony.client;
        ColonyException e = assertThrows(ColonyException.class, () -> asUser.assign("cli", "thief", Duration.ZERO));
        assertEquals(403, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains("executors"), e.getMessage());
        Identity exec = Identity.generate();
        ColonyClient owner = ColonyClient.connect("127.0.0.1", colony.node.apiPort(), colony.dev.owner());
        owner.admit(exec.memberId(), Role.EXECUTOR, "ext");
        ColonyClient asExec = ColonyClient.connect("127.0.0.1", colony.node.apiPort(), exec);
        assertTrue(asExec.assign("cli", "ext", Duration.ofSeconds(5)).isPresent());
        // an executor may not ask in another member's name
        String path = "/api/v1/executors/assign";
        byte[] body = ("{\"executortype\":\"cli\",\"executorname\":\"x\",\"executorid\":\"" + colony.dev.user().memberId()
                + "\",\"timeout\":0}").getBytes(StandardCharsets.UTF_8);
        assertEquals(403, send(signed(exec, "POST", path, body, sig(exec, "POST", path, body))).statusCode());
    }

    @Test
    void aForeignHostHeaderIsRefused() throws Exception {
        Identity user = colony.dev.user();
        String path = "/api/v1/processes/" + pid;
        Map<String, String> h = sig(user, "GET", path, null);
        String req = "GET " + path + " HTTP/1.1\r\nHost: attacker.example:" + colony.node.apiPort() + "\r\n"
                + h.entrySet().stream().map(x -> x.getKey() + ": " + x.getValue() + "\r\n").reduce("", String::concat)
                + "Connection: close\r\n\r\n";
        String answer = raw(req);
        assertTrue(answer.startsWith("HTTP/1.1 421"), answer);
        assertFalse(answer.contains("secret"), answer);
        Map<String, String> h2 = sig(user, "GET", path, null);
        String ok = raw(req.replace("attacker.example", "localhost").replace(h.get(RequestSignature.NONCE),
                h2.get(RequestSignature.NONCE)).replace(h.get(RequestSignature.SIGNATURE), h2.get(RequestSignature.SIGNATURE))
                .replace(h.get(RequestSignature.TIMESTAMP), h2.get(RequestSignature.TIMESTAMP)));
        assertTrue(ok.startsWith("HTTP/1.1 200"), ok);
    }

    private static String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", colony.node.apiPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void tlsWithThePinnedFingerprintWorksAndAWrongOneRefusesToConnect() throws Exception {
        DevColony dev = DevColony.prepare(dir.resolve("tls"));
        Node node = Node.start(TestColony.config(dev).withExecutor(null, null, 1)
                .withApiSettings(ApiSettings.defaults().withTls(true)));
        try {
            dev.admitMembers(node);
            String fp = node.apiTlsFingerprint();
            assertEquals(64, fp.length());
            Path key = dir.resolve("tls").resolve("api-tls.key");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
            String withColons = fp.replaceAll("(..)(?!$)", "$1:");
            ColonyClient c = ColonyClient.fromEnvironment(Map.of("COLONY_PORT", "" + node.apiPort(),
                    "COLONY_PRVKEY", dev.user().privateKeyHex(), "COLONY_TLS_FINGERPRINT", withColons));
            assertTrue(c.base().toString().startsWith("https://"), c.base().toString());
            assertEquals(dev.colonyId(), c.nodeInfo().colony());
            assertEquals(fp, c.nodeInfo().tlsFingerprint());
            String wrong = (fp.charAt(0) == 'a' ? "b" : "a") + fp.substring(1);
            ColonyClient bad = ColonyClient.connect("127.0.0.1", node.apiPort(), dev.user(), ClientTls.pinned(wrong));
            ColonyException e = assertThrows(ColonyException.class, bad::nodeInfo);
            assertTrue(e.getMessage().contains("refusing to connect") && e.getMessage().contains(fp), e.getMessage());
            // plain HTTP to a TLS port gets nowhere
            ColonyClient plain = ColonyClient.connect("127.0.0.1", node.apiPort(), dev.user());
            assertThrows(ColonyException.class, plain::nodeInfo);
        } finally {
            node.close();
        }
        // the certificate is made once: a restart serves the same one
        Node again = Node.start(TestColony.config(dev).withExecutor(null, null, 1)
                .withApiSettings(ApiSettings.defaults().withTls(true)));
        try {
            assertEquals(64, again.apiTlsFingerprint().length());
        } finally {
            again.close();
        }
    }

    @Test
    void aNonLoopbackBindWithoutTlsIsRefused() {
        DevColony dev = DevColony.prepare(dir.resolve("open"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Node.start(TestColony.config(dev)
                .withApi("0.0.0.0", 0).withExecutor(null, null, 1)).close());
        assertTrue(e.getMessage().contains("without TLS") && e.getMessage().contains("--insecure-api"), e.getMessage());
        Node insecure = Node.start(TestColony.config(dev).withApi("0.0.0.0", 0).withExecutor(null, null, 1)
                .withApiSettings(ApiSettings.defaults().withInsecure(true)));
        insecure.close();
    }

    @Test
    void writesBeyondTheMemberRateGet429WithRetryAfter() throws Exception {
        DevColony dev = DevColony.prepare(dir.resolve("rate"));
        Node node = Node.start(TestColony.config(dev).withExecutor(null, null, 1)
                .withApiSettings(ApiSettings.defaults().withLimits(1024, 10_000, 0.01, 2)));
        try {
            dev.admitMembers(node);
            String path = "/api/v1/processes";
            int[] statuses = new int[3];
            String retry = null;
            String last = "";
            for (int i = 0; i < 3; i++) {
                byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.apiPort() + path))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                RequestSignature.headers(dev.user(), "POST", path, body).forEach(b::header);
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                statuses[i] = r.statusCode();
                last = last + r.body();
                retry = r.headers().firstValue("Retry-After").orElse(retry);
            }
            assertTrue(statuses[0] != 429 && statuses[1] != 429, last);
            assertEquals(429, statuses[2]);
            assertTrue(retry != null && Long.parseLong(retry) >= 1, "Retry-After " + retry);
        } finally {
            node.close();
        }
    }
}
