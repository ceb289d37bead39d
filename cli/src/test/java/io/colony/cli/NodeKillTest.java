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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code colony node start} in its own JVM, killed with SIGKILL while it runs a process: the child
 * dies with it (watchdog), and a node restarted on the same data dir keeps the history and
 * re-assigns the interrupted process once its lease expired.
 */
class NodeKillTest {

    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    Path dir;

    @Test
    void killedNodeLeavesNoOrphanAndItsWorkIsFinishedAfterRestart() throws Exception {
        Path data = dir.resolve("data");
        DevColony dev = DevColony.prepare(data);
        try (Node first = Node.start(dev.nodeConfig().withApi("127.0.0.1", 0))) {
            dev.admitMembers(first); // membership records go into the ledger file
        }
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "node", "start", "--data", data.toString(), "--api-port", "0", "--p2p-port", "0", "--lease-ms", "1500", "--allow", "*")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            int port = apiPort(jvm).get(60, TimeUnit.SECONDS);
            ColonyClient client = ColonyClient.connect("127.0.0.1", port, dev.user());
            String done = client.submit(FunctionSpec.of("cli", "echo", "before")).id();
            assertEquals(ProcessState.SUCCESS, client.waitFor(done, Duration.ofSeconds(30)).state());

            Path marker = dir.resolve("marker");
            Path sleepPid = dir.resolve("sleep.pid");
            String script = "if [ -f " + marker + " ]; then echo again; else touch " + marker + "; sleep 300 & echo $! > "
                    + sleepPid + "; wait; fi";
            String id = client.submit(new FunctionSpec(null, script, List.of(), null, null, Conditions.of("cli"), 0, 0,
                    2, 0, null, true)).id();
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(sleepPid)
                    && !Files.readString(sleepPid).isBlank());
            long sleep = Long.parseLong(Files.readString(sleepPid).strip());
            assertTrue(alive(sleep));

            jvm.destroyForcibly(); // SIGKILL
            jvm.waitFor(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(15)).until(() -> !alive(sleep));

            try (Node again = Node.start(dev.nodeConfig().withApi("127.0.0.1", 0))) {
                ColonyClient c = ColonyClient.connect("127.0.0.1", again.apiPort(), dev.user());
                assertEquals(List.of("before"), c.get(done).output());
                ProcessView p = c.waitFor(id, Duration.ofSeconds(60));
                assertEquals(ProcessState.SUCCESS, p.state(), p.errors().toString());
                assertEquals(List.of("again"), p.output());
                assertEquals(2, p.attempt());
            }
        } finally {
            jvm.destroyForcibly();
        }
    }

    /** Reads the node's log until it says where its API listens (and keeps draining it). */
    static CompletableFuture<Integer> apiPort(Process jvm) {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(jvm.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // the JVM was killed
            }
            port.completeExceptionally(new IllegalStateException("node exited before listening"));
        });
        reader.setDaemon(true);
        reader.start();
        return port;
    }

    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
