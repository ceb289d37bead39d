package io.colony.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.RequestSignature;
import io.colony.protocol.WireRecord;
import io.colony.protocol.pb.Conditions;
import io.colony.protocol.pb.Record;
import io.colony.protocol.pb.SignedRecord;
import io.colony.protocol.pb.Submit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input gets the right 4xx, one JSON error line, and changes nothing. */
class ApiValidationTest {

    @TempDir
    static Path dir;
    static TestColony colony;
    static HttpClient http = HttpClient.newHttpClient();
    static ObjectMapper json = new ObjectMapper();
    static RecordFactory user;

    @BeforeAll
    static void start() {
        colony = TestColony.start(dir, c -> c.withExecutor(null, null, 1));
        user = new RecordFactory(colony.dev.user(), colony.dev.owner().publicKey());
    }

    @AfterAll
    static void stop() {
        colony.close();
    }

    private static HttpResponse<String> send(String method, String path, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + colony.node.apiPort() + path));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        // the owner may use every route, so the route's own checks answer
        RequestSignature.headers(colony.dev.owner(), method, path, body).forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode expect(int status, String method, String path, String body) throws Exception {
        return expect(status, method, path, body == null ? null : body.getBytes());
    }

    private static JsonNode expect(int status, String method, String path, byte[] body) throws Exception {
        int before = colony.client.list(null, 1000).size();
        HttpResponse<String> r = send(method, path, body);
        assertEquals(status, r.statusCode(), r.body());
        JsonNode err = json.readTree(r.body());
        assertTrue(err.hasNonNull("error"), r.body());
        assertFalse(r.body().contains("\tat ") || r.body().contains("Exception"), r.body());
        assertEquals(before, colony.client.list(null, 1000).size(), "a refused request changed the ledger");
        return err;
    }

    private static String wire(SignedRecord r) throws Exception {
        return json.writeValueAsString(WireRecord.of(r));
    }

    @Test
    void malformedJson() throws Exception {
        JsonNode e = expect(400, "POST", "/api/v1/processes", "{not json");
        assertEquals("body", e.get("field").asText());
        expect(400, "POST", "/api/v1/processes", "[1,2]");
        expect(400, "POST", "/api/v1/processes", "");
    }

    @Test
    void wrongTypes() throws Exception {
        expect(400, "POST", "/api/v1/processes", "{\"body\": 5, \"signer\": true, \"signature\": [1]}");
        expect(400, "POST", "/api/v1/executors/assign",
                "{\"executortype\": 7, \"executorname\": \"x\", \"executorid\": \"" + colony.dev.user().memberId() + "\"}");
    }

    @Test
    void badListParameters() throws Exception {
        assertEquals("limit", expect(400, "GET", "/api/v1/processes?limit=-1", (String) null).get("field").asText());
        expect(400, "GET", "/api/v1/processes?limit=abc", (String) null);
        expect(400, "GET", "/api/v1/processes?limit=100000", (String) null);
        assertEquals("state", expect(400, "GET", "/api/v1/processes?state=BOGUS", (String) null).get("field").asText());
    }

    @Test
    void missingFuncname() throws Exception {
        Record body = Record.newBuilder().setColony(ByteString.copyFrom(colony.dev.owner().publicKey()))
                .setTimestampMs(System.currentTimeMillis())
                .setSubmit(Submit.newBuilder().setNonce(ByteString.copyFrom(new byte[16]))
                        .setSpec(io.colony.protocol.pb.FunctionSpec.newBuilder()
                                .setConditions(Conditions.newBuilder().setExecutortype("cli"))))
                .build();
        JsonNode e = expect(400, "POST", "/api/v1/processes", wire(Records.sign(colony.dev.user(), body)));
        assertTrue(e.get("error").asText().contains("funcname"), e.toString());
    }

    @Test
    void oversizedBody() throws Exception {
        byte[] big = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'a');
        expect(413, "POST", "/api/v1/processes", big);
    }

    @Test
    void badOrMissingSignature() throws Exception {
        SignedRecord good = user.submit(System.currentTimeMillis(), FunctionSpec.of("cli", "true"));
        byte[] sig = good.getSignature().toByteArray();
        sig[0] ^= 1;
        SignedRecord forged = good.toBuilder().setSignature(ByteString.copyFrom(sig)).build();
        expect(401, "POST", "/api/v1/processes", wire(forged));
        WireRecord w = WireRecord.of(good);
        expect(401, "POST", "/api/v1/processes",
                "{\"body\": \"" + w.body() + "\", \"signer\": \"" + w.signer() + "\"}");
    }

    @Test
    void nonMemberAndForeignColony() throws Exception {
        Identity stranger = Identity.generate();
        RecordFactory f = new RecordFactory(stranger, colony.dev.owner().publicKey());
        expect(403, "POST", "/api/v1/processes", wire(f.submit(System.currentTimeMillis(), FunctionSpec.of("cli", "true"))));
        RecordFactory other = new RecordFactory(colony.dev.user(), stranger.publicKey());
        expect(403, "POST", "/api/v1/processes", wire(other.submit(System.currentTimeMillis(), FunctionSpec.of("cli", "true"))));
        expect(403, "POST", "/api/v1/executors/assign", "{\"executortype\": \"x\", \"executorname\": \"x\", \"executorid\": \""
                + stranger.memberId() + "\"}");
        // only the owner admits
        expect(403, "POST", "/api/v1/members", wire(user.admit(System.currentTimeMillis(), stranger.publicKey(),
                io.colony.protocol.pb.Role.USER, "x", 0)));
    }

    @Test
    void unknownAndMalformedIds() throws Exception {
        expect(404, "GET", "/api/v1/processes/" + "ab".repeat(32), (String) null);
        expect(404, "GET", "/api/v1/processes/" + "ab".repeat(32) + "/logs", (String) null);
        assertEquals("id", expect(400, "GET", "/api/v1/processes/xyz", (String) null).get("field").asText());
        // signed by a key whose role may close (the node's): the unknown process is what is wrong
        RecordFactory node = new RecordFactory(colony.dev.node(), colony.dev.owner().publicKey());
        SignedRecord close = node.close(System.currentTimeMillis(), new byte[32], 1, true, java.util.List.of(), java.util.List.of());
        expect(404, "POST", "/api/v1/processes/" + "00".repeat(32) + "/close", wire(close));
    }

    @Test
    void recordKindMustMatchTheRoute() throws Exception {
        SignedRecord close = user.close(System.currentTimeMillis(), new byte[32], 1, true, java.util.List.of(), java.util.List.of());
        expect(400, "POST", "/api/v1/processes", wire(close));
        expect(400, "POST", "/api/v1/processes/" + "11".repeat(32) + "/close", wire(close));
    }

    @Test
    void badAssignRequests() throws Exception {
        String id = colony.dev.user().memberId();
        assertEquals("timeout", expect(400, "POST", "/api/v1/executors/assign",
                "{\"executortype\": \"x\", \"executorname\": \"x\", \"executorid\": \"" + id + "\", \"timeout\": -1}")
                .get("field").asText());
        assertEquals("executortype", expect(400, "POST", "/api/v1/executors/assign",
                "{\"executorname\": \"x\", \"executorid\": \"" + id + "\"}").get("field").asText());
        expect(400, "POST", "/api/v1/executors/assign",
                "{\"executortype\": \"" + "x".repeat(300) + "\", \"executorname\": \"x\", \"executorid\": \"" + id + "\"}");
    }

    @Test
    void unknownRoutesAndMethods() throws Exception {
        expect(404, "GET", "/api/v1/nothing", (String) null);
        expect(404, "GET", "/", (String) null);
        expect(405, "DELETE", "/api/v1/processes/" + "ab".repeat(32), (String) null);
        expect(405, "POST", "/api/v1/health", "{}");
    }

    @Test
    void cronAndGeneratorRoutesRefuseBadInputAndChangeNothing() throws Exception {
        int crons = colony.client.crons().size();
        // a submit where a cron is expected
        JsonNode e = expect(400, "POST", "/api/v1/crons", wire(user.submit(System.currentTimeMillis(),
                FunctionSpec.of("cli", "x"))));
        assertTrue(e.get("error").asText().contains("cron"), e.toString());
        // a cron with a bad schedule, signed properly: refused when decoded
        expect(400, "POST", "/api/v1/crons", wire(user.sign(io.colony.protocol.TriggerRecords.cron(
                colony.dev.owner().publicKey(), System.currentTimeMillis(), "c", java.util.List.of(
                        FunctionSpec.of("cli", "x")), "61 * * * *", new byte[16]))));
        expect(400, "GET", "/api/v1/crons/not-an-id", (String) null);
        expect(404, "GET", "/api/v1/crons/" + "ab".repeat(32), (String) null);
        // a pack for a generator nobody added
        byte[] nobody = io.colony.protocol.Hex.decode("ab".repeat(32), 32, "id");
        expect(404, "POST", "/api/v1/generators/" + "ab".repeat(32) + "/pack", wire(user.pack(
                System.currentTimeMillis(), nobody, "x")));
        expect(404, "POST", "/api/v1/crons/" + "ab".repeat(32) + "/pack", "{}");
        // a generator, then a pack naming another generator than the URL
        var gen = colony.client.addGenerator("g", java.util.List.of(FunctionSpec.of("cli", "x")), 5,
                java.time.Duration.ZERO);
        e = expect(400, "POST", "/api/v1/generators/" + gen.id() + "/pack", wire(user.pack(System.currentTimeMillis(),
                new byte[32], "x")));
        assertTrue(e.get("error").asText().contains("another generator"), e.toString());
        assertEquals(0, colony.client.generator(gen.id()).pending());
        assertEquals(crons, colony.client.crons().size());
    }
}
