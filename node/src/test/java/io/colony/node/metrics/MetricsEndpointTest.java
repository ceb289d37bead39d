package io.colony.node.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.colony.node.DevColony;
import io.colony.node.Node;
import io.colony.node.exec.ExecResult;
import io.colony.node.exec.RunningProcess;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.RequestSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} (Prometheus text) and {@code GET /api/v1/status} of a running node. */
class MetricsEndpointTest {

    @TempDir
    Path dir;
    private Node node;
    private DevColony dev;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        dev = DevColony.prepare(dir);
        node = Node.start(dev.nodeConfig().withApi("127.0.0.1", 0).withExecutor("cli", "m", 2)
                .withRunner((req, sink) -> RunningProcess.completed(new ExecResult(0, req.args(), List.of(), null))));
        dev.admitMembers(node);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.apiPort() + path));
        RequestSignature.headers(dev.user(), "GET", path, null).forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), series + " missing in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void metricsCountProcessesRecordsAndCommits() throws Exception {
        RecordFactory user = new RecordFactory(dev.user(), dev.owner().publicKey());
        for (int i = 0; i < 3; i++) {
            ProcessView p = node.apply(Records.open(user.submit(System.currentTimeMillis(), FunctionSpec.of("cli", "echo",
                    "m" + i)))).join();
            await().atMost(Duration.ofSeconds(30)).until(() -> node.process(
                    io.colony.protocol.Ids.parseProcessId(p.id())).join().orElseThrow().state() == ProcessState.SUCCESS);
        }
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        String text = r.body();
        assertEquals(3.0, value(text, "colony_processes{state=\"SUCCESS\"}"));
        assertEquals(0.0, value(text, "colony_processes{state=\"WAITING\"}"));
        assertEquals(3.0, value(text, "colony_ledger_processes"));
        // 2 admits + 3 x (submit, claim, close) at least
        assertTrue(value(text, "colony_records_ingested_total") >= 11, text);
        assertTrue(value(text, "colony_ledger_commit_seconds_count") >= 3);
        assertEquals(0.0, value(text, "colony_leases_held"));
        assertEquals(0.0, value(text, "colony_processes_running"));
        assertEquals(2.0, value(text, "colony_executor_capacity"));
        assertTrue(value(text, "colony_start_seconds") > 0);
        assertTrue(text.contains("jvm_memory_used_bytes{"), "JVM memory");
        assertTrue(text.contains("colony_ledger_commit_seconds{quantile=\"0.99\"}"), "commit p99");
        assertEquals(200, get("/api/v1/metrics").statusCode());
    }

    @Test
    void statusTellsPeersLedgerLeasesAndLoad() throws Exception {
        HttpResponse<String> r = get("/api/v1/status");
        assertEquals(200, r.statusCode());
        JsonNode s = new ObjectMapper().readTree(r.body());
        assertEquals(0, s.get("peers").asInt());
        assertEquals(0, s.get("ledgerProcesses").asInt());
        assertEquals(0, s.get("leasesHeld").asInt());
        assertEquals(2, s.get("capacity").asInt());
        assertEquals("cli", s.get("executorType").asText());
        assertTrue(s.get("heapUsedBytes").asLong() > 0);
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.apiPort() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody());
        RequestSignature.headers(dev.user(), "POST", "/metrics", null).forEach(post::header);
        assertEquals(405, http.send(post.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
