package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.DataDirLock;
import io.colony.node.DevColony;
import io.colony.node.KeyFiles;
import io.colony.protocol.Identity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data dirs: one process per dir, a dir keeps its identity, a restart keeps its ports, $HOME is honoured. */
class DataDirSafetyTest {

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

    /** Every file of a dir (but the lock file) and its content. */
    private static Map<String, String> snapshot(Path d) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> files = Files.list(d)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f) && !f.getFileName().toString().equals(DataDirLock.FILE)
                        && !f.getFileName().toString().startsWith("ledger.db") && !f.getFileName().toString().endsWith(".log")) {
                    m.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.ISO_8859_1));
                }
            }
        }
        return m;
    }

    @Test
    void aSecondStartOnARunningNodesDataDirIsRefusedNamingThePidAndTheFirstKeepsServing() throws Exception {
        Path data = dir.resolve("dev");
        try (NodeJvm first = NodeJvm.start("dev", dir, "dev", "--data", data.toString(), "--api-port", "0",
                "--p2p-port", "0").awaitReady()) {
            Map<String, String> before = snapshot(data);
            for (String[] second : List.of(
                    new String[] {"dev", "--data", data.toString(), "--api-port", "0", "--p2p-port", "-1"},
                    new String[] {"node", "start", "--data", data.toString(), "--api-port", "0", "--p2p-port", "-1"},
                    new String[] {"bootstrap", "--data", data.toString(), "--p2p-port", "0"})) {
                Result r = colony(second);
                assertEquals(1, r.status(), r.out());
                assertEquals(1, r.err().strip().lines().count(), r.err());
                assertTrue(r.err().contains("in use by process " + first.pid()), r.err());
            }
            assertEquals(before, snapshot(data), "the refused starts wrote nothing");
            assertTrue(first.isAlive());
            assertTrue(first.client(null).healthy(), "the first node keeps serving");
        }
    }

    @Test
    void aLockHeldInThisProcessRefusesToo() {
        Path data = dir.resolve("held");
        try (DataDirLock lock = DataDirLock.acquire(data)) {
            Result r = colony("dev", "--data", data.toString(), "--api-port", "0", "--p2p-port", "-1");
            assertEquals(1, r.status());
            assertTrue(r.err().contains("in use by process " + ProcessHandle.current().pid()), r.err());
            assertFalse(Files.exists(data.resolve(DevColony.OWNER_KEY)));
        }
        DataDirLock.acquire(data).close(); // released: the next start may lock it
    }

    @Test
    void devRefusesAJoinedNodesDataDirAndAJoinTokenRefusesADevDir() throws Exception {
        Path joined = dir.resolve("joined");
        Files.createDirectories(joined);
        DevColony.writeColonyId(joined, Identity.generate().memberId());
        KeyFiles.write(joined.resolve("node.key"), Identity.generate());
        Result r = colony("dev", "--data", joined.toString(), "--api-port", "0", "--p2p-port", "-1");
        assertEquals(1, r.status(), r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("not a dev colony") && r.err().contains("colony node start"), r.err());
        assertFalse(Files.exists(joined.resolve(DevColony.OWNER_KEY)), "no owner key written into a joined node's dir");
        assertFalse(Files.exists(joined.resolve(DevColony.USER_KEY)));

        Path devDir = dir.resolve("devdir");
        DevColony.prepare(devDir);
        Result invite = colony("member", "invite", "--data", devDir.toString(), "--port", "1", "--bootstrap",
                "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN");
        assertEquals(0, invite.status(), invite.err());
        Result join = colony("node", "start", "--data", devDir.toString(), "--join", invite.out().strip(),
                "--api-port", "0", "--p2p-port", "-1");
        assertEquals(1, join.status());
        assertTrue(join.err().contains("is a dev colony's"), join.err());
    }

    @Test
    void aRestartWithDataOnlyKeepsThePortsOfTheFirstStart() throws Exception {
        Path data = dir.resolve("node2");
        String colonyId = Identity.generate().memberId();
        int api = freePort();
        int p2p = freePort();
        try (NodeJvm first = NodeJvm.start("first", dir, "node", "start", "--data", data.toString(), "--colony", colonyId,
                "--api-port", Integer.toString(api), "--p2p-host", "127.0.0.1", "--p2p-port", Integer.toString(p2p),
                "--executor-type", "none").awaitReady()) {
            assertEquals(api, first.apiPort());
        }
        try (NodeJvm again = NodeJvm.start("again", dir, "node", "start", "--data", data.toString()).awaitReady()) {
            assertEquals(api, again.apiPort(), again.lastErrors());
            assertTrue(again.peerAddress().startsWith("/ip4/127.0.0.1/tcp/" + p2p + "/"), again.peerAddress());
        }
        Result config = colony("node", "config", "--data", data.toString());
        assertEquals(0, config.status(), config.err());
        String apiLine = config.out().lines().filter(l -> l.strip().startsWith("api.port")).findFirst().orElseThrow();
        assertTrue(apiLine.contains(Integer.toString(api)) && apiLine.contains("file"), config.out());
        String typeLine = config.out().lines().filter(l -> l.strip().startsWith("executor.type")).findFirst().orElseThrow();
        assertTrue(typeLine.contains("none") && typeLine.contains("file"), config.out());
    }

    @Test
    void homeAndColonyHomeDecideTheDefaultDataDirs() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        String help = run(Map.of("HOME", home.toString()), "dev", "--help");
        assertTrue(help.replaceAll("\\s+", "").contains(home.resolve(".colony").resolve("dev").toString()), help);
        Path colonyHome = dir.resolve("colony-home");
        String nodeHelp = run(Map.of("HOME", home.toString(), "COLONY_HOME", colonyHome.toString()), "node", "start", "--help");
        assertTrue(nodeHelp.replaceAll("\\s+", "").contains(colonyHome.resolve("node").toString()), nodeHelp);
    }

    @Test
    void theDevHintLineNamesFreePortsAfterTheChosenOnes() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int p = taken.getLocalPort();
            int next = DevCommand.freePortAfter(p - 1);
            assertTrue(next > p, "a taken port is skipped: " + next);
        }
        assertEquals(4321, DevCommand.p2pPort(List.of("/ip4/127.0.0.1/tcp/4321/p2p/12D3KooW")));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code colony ARGS} in a child JVM with {@code env} (and no COLONY_* of this one); returns its stdout. */
    private String run(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeIf(k -> k.startsWith("COLONY_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }
}
