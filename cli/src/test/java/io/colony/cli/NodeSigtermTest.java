package io.colony.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.DevColony;
import io.colony.node.Node;
import io.colony.protocol.Conditions;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.sdk.ColonyClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code colony node start} in its own JVM gets SIGTERM while it runs a process: it kills the child
 * and releases the attempt, so the same node restarted picks the process up at once, long before
 * the (two-minute) lease would have expired, and without using up a retry ({@code maxretries} 0).
 */
class NodeSigtermTest {

    @TempDir
    Path dir;

    @Test
    void sigtermReleasesTheRunningProcessForImmediateReassignment() throws Exception {
        Path data = dir.resolve("data");
        DevColony dev = DevColony.prepare(data);
        try (Node first = Node.start(dev.nodeConfig().withApi("127.0.0.1", 0))) {
            dev.admitMembers(first);
        }
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "node", "start", "--data", data.toString(), "--api-port", "0", "--p2p-port", "-1",
                "--lease-ms", "120000", "--allow", "*")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            int port = NodeKillTest.apiPort(jvm).get(60, TimeUnit.SECONDS);
            ColonyClient client = ColonyClient.connect("127.0.0.1", port, dev.user());
            Path marker = dir.resolve("marker");
            Path sleepPid = dir.resolve("sleep.pid");
            String script = "if [ -f " + marker + " ]; then echo again; else touch " + marker + "; sleep 300 & echo $! > "
                    + sleepPid + "; wait; fi";
            String id = client.submit(new FunctionSpec(null, script, List.of(), null, null, Conditions.of("cli"), 0, 0,
                    0, 0, null, true)).id();
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(sleepPid)
                    && !Files.readString(sleepPid).isBlank());
            long sleep = Long.parseLong(Files.readString(sleepPid).strip());

            jvm.destroy(); // SIGTERM
            assertTrue(jvm.waitFor(30, TimeUnit.SECONDS), "node exits on SIGTERM");
            await().atMost(Duration.ofSeconds(15)).until(() -> !NodeKillTest.alive(sleep));

            try (Node again = Node.start(dev.nodeConfig().withApi("127.0.0.1", 0))) {
                ColonyClient c = ColonyClient.connect("127.0.0.1", again.apiPort(), dev.user());
                ProcessView p = c.waitFor(id, Duration.ofSeconds(60));
                assertEquals(ProcessState.SUCCESS, p.state(), p.errors().toString());
                assertEquals(List.of("again"), p.output());
                assertEquals(2, p.attempt());
                assertTrue(p.history().stream().anyMatch(e -> e.detail().contains("released attempt 1")),
                        p.history().toString());
                assertTrue(p.errors().isEmpty(), p.errors().toString());
            }
        } finally {
            jvm.destroyForcibly();
        }
    }
}
