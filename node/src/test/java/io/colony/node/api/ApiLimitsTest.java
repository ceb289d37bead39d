package io.colony.node.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.DevColony;
import io.colony.node.Node;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Identity;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's bounds: replay cache, write rate, Host names, membership by time, slow clients, connection cap. */
class ApiLimitsTest {

    @TempDir
    Path dir;

    @Test
    void theReplayCacheRefusesRepeatsIsBoundedPerKeyAndOverallAndForgetsAfterAMinute() {
        NonceCache c = new NonceCache(2, 3);
        assertEquals(NonceCache.Result.FRESH, c.add("k1", "n1", 0));
        assertEquals(NonceCache.Result.REPLAY, c.add("k1", "n1", 59_999));
        assertEquals(NonceCache.Result.FRESH, c.add("k1", "n2", 1));
        assertEquals(NonceCache.Result.FULL, c.add("k1", "n3", 2), "per key");
        assertEquals(NonceCache.Result.FRESH, c.add("k2", "n1", 3));
        assertEquals(NonceCache.Result.FULL, c.add("k3", "n1", 4), "overall");
        assertEquals(NonceCache.Result.FRESH, c.add("k1", "n1", 60_001), "forgotten after the TTL");
        assertTrue(c.size() <= 3);
        assertEquals(NonceCache.Result.FRESH, c.add("k3", "n1", 121_000));
        assertEquals(1, c.size());
    }

    @Test
    void theWriteBucketRefillsAtItsRate() {
        WriteLimiter w = new WriteLimiter(10, 2);
        assertEquals(0, w.take("k", 0));
        assertEquals(0, w.take("k", 0));
        long wait = w.take("k", 0);
        assertTrue(wait > 0 && wait <= 100, "wait " + wait);
        assertEquals(0, w.take("other", 0), "per member");
        assertEquals(0, w.take("k", 100));
    }

    @Test
    void theSelfSignedCertificateIsMadeOnceWithAPrivateKeyFileAndLoopbackNames() throws Exception {
        ApiTls first = ApiTls.load(ApiSettings.defaults().withTls(true), dir);
        ApiTls again = ApiTls.load(ApiSettings.defaults().withTls(true), dir);
        assertEquals(first.fingerprint(), again.fingerprint());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(dir.resolve(ApiTls.KEY_FILE))));
        assertTrue(first.certificate().getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("127.0.0.1")));
        // the operator's PEM files work the same way
        ApiTls files = ApiTls.load(ApiSettings.defaults().withTlsFiles(dir.resolve(ApiTls.CERT_FILE),
                dir.resolve(ApiTls.KEY_FILE)), dir.resolve("elsewhere"));
        assertEquals(first.fingerprint(), files.fingerprint());
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ApiTls.fromPem(dir.resolve("missing.crt"), dir.resolve(ApiTls.KEY_FILE)));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void openMetricsServesMetricsUnsignedButNothingElse() throws Exception {
        DevColony dev = DevColony.prepare(dir);
        Node node = Node.start(dev.nodeConfig().withApi("127.0.0.1", 0).withExecutor(null, null, 1)
                .withApiSettings(ApiSettings.defaults().withOpenMetrics(true)));
        try {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + node.apiPort();
            assertEquals(200, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(401, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/node"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
        } finally {
            node.close();
        }
    }

    @Test
    void hostHeadersAreParsedAndMatched() {
        assertEquals("127.0.0.1", RequestGate.hostOf("127.0.0.1:50080"));
        assertEquals("::1", RequestGate.hostOf("[::1]:50080"));
        assertEquals("example.org", RequestGate.hostOf("Example.ORG."));
        Set<String> allowed = RequestGate.allowedHosts("10.0.0.5", List.of("colony.internal"));
        assertTrue(allowed.containsAll(List.of("localhost", "127.0.0.1", "::1", "10.0.0.5", "colony.internal")));
        assertFalse(allowed.contains("attacker.example"));
    }

    @Test
    void membershipCountsAtTheTimeAskedWithTheRoleOfTheLastAdmission() {
        Identity owner = Identity.generate();
        Identity m = Identity.generate();
        RecordFactory f = new RecordFactory(owner, owner.publicKey());
        ApiMembers members = new ApiMembers(owner.publicKey());
        assertTrue(members.roleAt(m.publicKey(), 1_000).isEmpty());
        members.observe(Records.open(f.admit(1_000, m.publicKey(), Role.USER, "u", 0)));
        members.observe(Records.open(f.revoke(5_000, m.publicKey(), "gone")));
        // a forged admission (not signed by the owner) counts for nothing
        RecordFactory forger = new RecordFactory(m, owner.publicKey());
        members.observe(Records.open(forger.admit(6_000, m.publicKey(), Role.NODE, "me", 0)));
        assertEquals(ApiMembers.Role.USER, members.roleAt(m.publicKey(), 1_000).orElseThrow());
        assertTrue(members.roleAt(m.publicKey(), 999).isEmpty());
        assertTrue(members.roleAt(m.publicKey(), 5_000).isEmpty());
        assertTrue(members.roleAt(m.publicKey(), 7_000).isEmpty());
        assertEquals(ApiMembers.Role.OWNER, members.roleAt(owner.publicKey(), 0).orElseThrow());
        DecodedRecord expiring = Records.open(f.admit(8_000, m.publicKey(), Role.EXECUTOR, "e", 9_000));
        members.observe(expiring);
        assertEquals(ApiMembers.Role.EXECUTOR, members.roleAt(m.publicKey(), 8_500).orElseThrow());
        assertTrue(members.roleAt(m.publicKey(), 9_000).isEmpty());
    }

    @Test
    void aSlowRequestIsCutOffAndConnectionsBeyondTheCapAreClosed() throws Exception {
        DevColony dev = DevColony.prepare(dir);
        Node node = Node.start(dev.nodeConfig().withApi("127.0.0.1", 0).withExecutor(null, null, 1)
                .withApiSettings(ApiSettings.defaults().withLimits(3, 500, 1000, 2000)));
        List<Socket> open = new ArrayList<>();
        try {
            int port = node.apiPort();
            // slowloris: headers that never end are cut off after the read timeout
            Socket slow = new Socket("127.0.0.1", port);
            open.add(slow);
            slow.setSoTimeout(10_000);
            slow.getOutputStream().write("GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            assertEquals(-1, slow.getInputStream().read(), "the node closes a request that does not complete");
            // a connection that sends nothing is closed too
            Socket idle = new Socket("127.0.0.1", port);
            open.add(idle);
            idle.setSoTimeout(10_000);
            assertEquals(-1, idle.getInputStream().read());
            await().atMost(Duration.ofSeconds(10)).until(() -> node.apiOpenConnections() == 0);
            // the cap: 3 held open, the 4th is closed at once
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket("127.0.0.1", port);
                open.add(s);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> node.apiOpenConnections() == 3);
            Socket extra = new Socket("127.0.0.1", port);
            open.add(extra);
            extra.setSoTimeout(10_000);
            OutputStream out = extra.getOutputStream();
            out.write("GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = extra.getInputStream();
            assertEquals(-1, readOrEof(in), "no answer beyond the cap");
            for (Socket s : open) {
                s.close();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> node.apiOpenConnections() == 0);
            try (Socket ok = new Socket("127.0.0.1", port)) {
                ok.setSoTimeout(10_000);
                ok.getOutputStream().write("GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(ok.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            }
        } finally {
            for (Socket s : open) {
                s.close();
            }
            node.close();
        }
    }

    private static int readOrEof(InputStream in) {
        try {
            return in.read();
        } catch (java.io.IOException reset) {
            return -1;
        }
    }
}
