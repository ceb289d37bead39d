package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.KeyFiles;
import io.colony.protocol.Identity;
import io.colony.sdk.NodeInfo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code colony dev} and {@code colony bootstrap} read DATA_DIR/colony.conf (or {@code --config}) and
 * the environment like {@code node start}: flag > environment > file > default, one-line errors.
 */
class DevBootstrapConfigTest {

    @TempDir
    Path dir;

    private void conf(String text) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(NodeSettings.FILE_NAME), text);
    }

    private DevCommand dev(Map<String, String> env, String... flags) {
        DevCommand d = new DevCommand();
        new CommandLine(d).parseArgs(concat(flags, "--data", dir.toString()));
        d.configure(env);
        return d;
    }

    private BootstrapCommand bootstrap(Map<String, String> env, String... flags) {
        BootstrapCommand b = new BootstrapCommand();
        new CommandLine(b).parseArgs(concat(flags, "--data", dir.toString()));
        b.configure(env);
        return b;
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(b, 0, all, 0, b.length);
        System.arraycopy(a, 0, all, b.length, a.length);
        return all;
    }

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int s = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(s, out.toString(), err.toString());
    }

    @Test
    void devTakesFlagThenEnvironmentThenFileThenDefault() throws Exception {
        conf("api.port = 1111\nexecutor.capacity = 3\nexecutor.name = from-file\np2p.port = 4100\nlog.format = json\n"
                + "lease.ms = 5000\n");
        DevCommand d = dev(Map.of("COLONY_API_PORT", "2222", "COLONY_CAPACITY", "4"), "--capacity", "5");
        assertEquals(5, d.run.capacity);             // flag
        assertEquals(2222, d.run.apiPort);           // env over file
        assertEquals("from-file", d.run.executorName); // file
        assertEquals(4100, d.p2p.port);              // file
        assertEquals(5000, d.run.leaseMs);           // file
        assertEquals("json", d.logs.format);         // file
        assertEquals("info", d.logs.level);          // default
        assertEquals("127.0.0.1", d.run.apiHost);    // default

        Path other = dir.resolve("other.conf");
        Files.writeString(other, "api.port = 3333\n");
        assertEquals(3333, dev(Map.of(), "--config", other.toString()).run.apiPort);
    }

    @Test
    void bootstrapTakesFlagThenEnvironmentThenFileThenDefault() throws Exception {
        conf("api.port = 0\np2p.port = 4200\np2p.host = 127.0.0.1\nlog.level = debug\nexecutor.capacity = 3\n");
        BootstrapCommand b = bootstrap(Map.of("COLONY_P2P_PORT", "4300"));
        assertEquals(0, b.apiPort);                  // file (the built-in default is -1: no API)
        assertEquals(4300, b.p2p.port);              // env over file
        assertEquals("127.0.0.1", b.p2p.host);       // file
        assertEquals("debug", b.logs.level);         // file
        assertEquals("text", b.logs.format);         // default
        b = bootstrap(Map.of("COLONY_P2P_PORT", "4300"), "--p2p-port", "4400", "--api-port", "-1");
        assertEquals(4400, b.p2p.port);              // flag
        assertEquals(-1, b.apiPort);                 // flag
        conf("");
        assertEquals(-1, bootstrap(Map.of()).apiPort); // default
        assertEquals(-1, bootstrap(Map.of("COLONY_API_PORT", "-1")).apiPort);
    }

    @Test
    void badKeysAndValuesAreOneErrorLineNamingTheKey() throws Exception {
        conf("api.prot = 1\n");
        for (String cmd : List.of("dev", "bootstrap")) {
            Result r = run(cmd, "--data", dir.toString());
            assertEquals(Main.EXIT_ERROR, r.status(), cmd);
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("colony: unknown key 'api.prot' in config file " + dir.resolve("colony.conf")),
                    r.err());
        }
        conf("p2p.port = lots\n");
        for (String cmd : List.of("dev", "bootstrap")) {
            Result r = run(cmd, "--data", dir.toString());
            assertEquals(Main.EXIT_ERROR, r.status(), cmd);
            assertEquals("colony: bad p2p.port 'lots' (file " + dir.resolve("colony.conf") + "): not a number",
                    r.err().strip(), cmd);
        }
        conf("api.port = -2\n");
        Result r = run("bootstrap", "--data", dir.toString());
        assertEquals("colony: bad api.port '-2' (file " + dir.resolve("colony.conf") + "): must be in -1..65535",
                r.err().strip());
        r = run("dev", "--data", dir.toString());
        assertEquals("colony: bad api.port '-2' (file " + dir.resolve("colony.conf") + "): must be in 0..65535",
                r.err().strip());
        r = run("dev", "--data", dir.toString(), "--config", dir.resolve("missing.conf").toString());
        assertEquals("colony: config file " + dir.resolve("missing.conf") + " does not exist", r.err().strip());
        conf("p2p.port = -1\n");
        r = run("bootstrap", "--data", dir.toString(), "--colony", Identity.generate().memberId());
        assertEquals("colony: a bootstrap peer needs its peer-to-peer port (--p2p-port)", r.err().strip());
    }

    @Test
    void devAndBootstrapRunWithTheirDataDirsConfigFiles() throws Exception {
        Path devDir = dir.resolve("dev");
        Files.createDirectories(devDir);
        Files.writeString(devDir.resolve(NodeSettings.FILE_NAME),
                "api.port = 0\np2p.port = 0\nexecutor.name = from-conf\nexecutor.capacity = 3\n");
        NodeJvm dev = NodeJvm.start("dev", dir, "dev", "--data", devDir.toString());
        try {
            dev.awaitReady();
            NodeInfo info = dev.client(KeyFiles.read(devDir.resolve("owner.key"))).nodeInfo();
            assertEquals("from-conf", info.name());
            assertEquals(3, info.capacity());

            Path bootDir = dir.resolve("boot");
            Files.createDirectories(bootDir);
            // API on (the bootstrap default is off), peer port and address from the file
            Files.writeString(bootDir.resolve(NodeSettings.FILE_NAME), "api.port = 0\np2p.port = 0\np2p.host = 127.0.0.1\n");
            NodeJvm boot = NodeJvm.start("bootstrap", dir, "bootstrap", "--data", bootDir.toString(), "--colony",
                    info.colony(), "--bootstrap", dev.peerAddress());
            try {
                boot.awaitReady();
                assertTrue(boot.apiPort() > 0, "API from the config file");
                assertTrue(boot.peerAddress().startsWith("/ip4/127.0.0.1/tcp/"), boot.peerAddress());
                NodeInfo b = boot.client(KeyFiles.read(devDir.resolve("owner.key"))).nodeInfo();
                assertEquals(info.colony(), b.colony());
                assertTrue(b.executorTypes().isEmpty(), "no executor on a bootstrap peer");
            } finally {
                boot.close();
            }
        } finally {
            dev.close();
        }
    }
}
