package io.colony.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.InvalidSpecException;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.SpecCodec;
import io.colony.protocol.WireRecord;
import io.colony.protocol.pb.Record;
import io.colony.protocol.pb.SignedRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's spec cannot overflow a time limit nor choose what the child loads: 400 at submit, naming the field. */
class HostileSpecApiTest {

    @TempDir
    static Path dir;
    static TestColony colony;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
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

    /** Posts a user-signed Submit of {@code pb} (not validated on the client side) and expects a 400. */
    private static JsonNode refused(io.colony.protocol.pb.FunctionSpec pb) throws Exception {
        int before = colony.client.list(null, 1000).size();
        Record body = Records.submit(colony.dev.owner().publicKey(), System.currentTimeMillis(),
                FunctionSpec.of("cli", "echo"), new byte[16]).toBuilder()
                .setSubmit(Records.submit(colony.dev.owner().publicKey(), 0, FunctionSpec.of("cli", "echo"),
                        new byte[16]).getSubmit().toBuilder().setSpec(pb)).build();
        SignedRecord signed = user.sign(body);
        byte[] wire = JSON.writeValueAsBytes(WireRecord.of(signed));
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + colony.node.apiPort() + "/api/v1/processes"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(wire));
        io.colony.protocol.RequestSignature.headers(colony.dev.user(), "POST", "/api/v1/processes", wire)
                .forEach(b::header);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), r.body());
        assertEquals(before, colony.client.list(null, 1000).size(), "a refused submit changed the ledger");
        return JSON.readTree(r.body());
    }

    @Test
    void overflowingTimeLimitsAreRefusedAtSubmit() throws Exception {
        long huge = Long.MAX_VALUE / 1000;
        JsonNode e = refused(SpecCodec.toProto(FunctionSpec.of("cli", "sleep", "600").withLimits(0, huge, 3)));
        assertTrue(e.get("error").asText().contains("maxexectime"), e.toString());
        e = refused(SpecCodec.toProto(FunctionSpec.of("cli", "sleep", "600").withLimits(huge, 0, 0)));
        assertTrue(e.get("error").asText().contains("maxwaittime"), e.toString());
        // the SDK says so before sending
        InvalidSpecException c = assertThrows(InvalidSpecException.class,
                () -> colony.client.submit(FunctionSpec.of("cli", "sleep", "1").withLimits(0, huge, 0)));
        assertEquals("maxexectime", c.field());
    }

    @Test
    void loaderAndPathVariablesAreRefusedAtSubmit() throws Exception {
        for (String name : new String[] {"LD_PRELOAD", "PATH", "COLONY_PROCESS_ID"}) {
            JsonNode e = refused(SpecCodec.toProto(FunctionSpec.of("cli", "echo")).toBuilder()
                    .putEnv(name, "/tmp/x").build());
            assertTrue(e.get("error").asText().contains("env." + name), e.toString());
        }
    }
}
