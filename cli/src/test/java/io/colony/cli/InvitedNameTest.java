package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code --name} given to {@code member invite} is what {@code node peers}, {@code node info} and {@code process get} show. */
class InvitedNameTest {

    @TempDir
    Path dir;

    record Result(int status, String out, String err) {
    }

    static Result colony(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void theInvitedNameIsTheNodesNameEverywhereAndAfterARestart() throws Exception {
        Path devDir = dir.resolve("dev");
        try (NodeJvm dev = NodeJvm.start("dev", dir, "dev", "--data", devDir.toString(), "--api-port", "0",
                "--p2p-port", "0", "--executor-type", "none").awaitReady()) {
            String devPort = Integer.toString(dev.apiPort());
            String key = dev.export("COLONY_PRVKEY");
            Result token = colony("member", "invite", "--data", devDir.toString(), "--port", devPort, "--name", "edge-7",
                    "--bootstrap", dev.peerAddress());
            assertEquals(0, token.status(), token.err());
            Path nodeDir = dir.resolve("edge");
            try (NodeJvm edge = NodeJvm.start("edge", dir, "node", "start", "--data", nodeDir.toString(), "--api-port", "0",
                    "--p2p-host", "127.0.0.1", "--p2p-port", "0", "--capacity", "1", "--allow", "true", "--join",
                    token.out().strip()).awaitReady()) {
                assertEquals("edge-7", edge.nodeName());
                String edgePort = Integer.toString(edge.apiPort());
                // the new node answers the user once it has synced the user's admission
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                        colony("node", "info", "--port", edgePort, "--key", key).status() == 0);
                Result info = colony("node", "info", "--port", edgePort, "--key", key);
                assertTrue(info.out().contains("Name:          edge-7"), info.out() + info.err());
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                        colony("node", "peers", "--port", devPort, "--key", key).out().contains("edge-7"));
                Result run = colony("process", "exec", "--type", "cli", "--func", "true", "--wait", "--timeout", "60",
                        "--port", devPort, "--key", key, "--json");
                assertEquals(0, run.status(), run.err());
                String id = DevNodeCliTest.JSON.readTree(run.out()).get("id").asText();
                Result get = colony("process", "get", id.substring(0, 8), "--port", devPort, "--key", key);
                assertTrue(get.out().contains("Executor:     edge-7"), get.out());
            }
            try (NodeJvm again = NodeJvm.start("again", dir, "node", "start", "--data", nodeDir.toString()).awaitReady()) {
                assertEquals("edge-7", again.nodeName(), "the name is kept in the data dir");
            }
        }
    }
}
