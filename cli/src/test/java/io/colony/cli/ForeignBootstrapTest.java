package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.DevColony;
import io.colony.node.KeyFiles;
import io.colony.node.Node;
import io.colony.node.NodeConfig;
import io.colony.node.cluster.ColonyNetwork;
import io.colony.protocol.Identity;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.pb.Role;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code node start} whose bootstrap peers all belong to another colony stops with one line. */
class ForeignBootstrapTest {

    @TempDir
    Path dir;

    @Test
    void nodeStartStopsWithOneLineWhenItsBootstrapPeersAreOfAnotherColony() throws Exception {
        // a running node of some other colony
        Identity otherOwner = Identity.generate();
        Identity otherKey = Identity.generate();
        Path otherDir = dir.resolve("other");
        KeyFiles.write(otherDir.resolve("node.key"), otherKey);
        var admit = new RecordFactory(otherOwner, otherOwner.publicKey()).admit(System.currentTimeMillis(),
                otherKey.publicKey(), Role.NODE, "other", 0);
        try (Node other = Node.start(NodeConfig.of(otherDir, otherOwner.memberId()).withApi("127.0.0.1", -1)
                .withExecutor("none", "other", 1)
                .withNetwork(ColonyNetwork.Settings.of("127.0.0.1", 0, List.of(), admit)))) {
            @SuppressWarnings("unchecked")
            String peer = ((List<String>) other.info().join().get("addresses")).get(0);
            // a token of our dev colony, pointing at that node
            DevColony.prepare(dir.resolve("dev"));
            StringWriter tokenOut = new StringWriter();
            assertEquals(0, Main.run(new PrintWriter(tokenOut), new PrintWriter(new StringWriter()), "member",
                    "invite", "--data", dir.resolve("dev").toString(), "--bootstrap", peer));
            String token = tokenOut.toString().strip();

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> Main.run(new PrintWriter(out),
                    new PrintWriter(err), "node", "start", "--data", dir.resolve("lost").toString(), "--join", token,
                    "--api-port", "0", "--p2p-host", "127.0.0.1", "--p2p-port", "0", "--executor-type", "none"));
            assertEquals(1, status.get(60, TimeUnit.SECONDS), err.toString());
            String line = err.toString().strip();
            assertEquals(1, line.lines().count(), line);
            assertTrue(line.startsWith("colony: the join token or bootstrap peers of this node belong to another"
                    + " colony (" + otherOwner.memberId() + ")"), line);
        }
    }
}
