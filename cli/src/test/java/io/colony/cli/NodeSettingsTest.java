package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Config file, environment and flags of {@code colony node start}: precedence and one-line errors. */
class NodeSettingsTest {

    @TempDir
    Path dir;

    private void conf(String text) throws Exception {
        Files.writeString(dir.resolve(NodeSettings.FILE_NAME), text);
    }

    /** Parses {@code node start} flags and fills the rest from env and file, like the command does. */
    private NodeCommand.Start start(Map<String, String> env, String... flags) {
        NodeCommand.Start st = new NodeCommand.Start();
        CommandLine cl = new CommandLine(st);
        cl.parseArgs(flags);
        NodeSettings s = NodeSettings.load(dir, st.config, env);
        st.run.fill(s, f -> cl.getParseResult().hasMatchedOption(f));
        st.p2p.fill(s, f -> cl.getParseResult().hasMatchedOption(f));
        st.logs.fill(s, f -> cl.getParseResult().hasMatchedOption(f));
        return st;
    }

    @Test
    void flagBeatsEnvBeatsFileBeatsDefault() throws Exception {
        conf("# a comment\napi.port = 1111\nexecutor.capacity = 3\np2p.port = 4100\nlog.format = json\n"
                + "p2p.bootstrap = /ip4/10.0.0.1/tcp/4001/p2p/a,/ip4/10.0.0.2/tcp/4001/p2p/b\n");
        NodeCommand.Start st = start(Map.of("COLONY_API_PORT", "2222", "COLONY_CAPACITY", "4"),
                "--capacity", "5");
        assertEquals(5, st.run.capacity);            // flag
        assertEquals(2222, st.run.apiPort);          // env over file
        assertEquals(4100, st.p2p.port);             // file
        assertEquals("json", st.logs.format);        // file
        assertEquals(10_000, st.run.leaseMs);        // default
        assertEquals("127.0.0.1", st.run.apiHost);   // default
        assertEquals(List.of("/ip4/10.0.0.1/tcp/4001/p2p/a", "/ip4/10.0.0.2/tcp/4001/p2p/b"), st.p2p.bootstrapGiven());
    }

    @Test
    void explicitConfigFileInsteadOfTheDataDirs() throws Exception {
        conf("api.port = 1111\n");
        Path other = dir.resolve("other.conf");
        Files.writeString(other, "api.port = 3333\n");
        assertEquals(3333, start(Map.of(), "--config", other.toString()).run.apiPort);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> start(Map.of(), "--config", dir.resolve("missing.conf").toString()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void badValuesNameTheKeyAndTheirSource() throws Exception {
        conf("api.port = abc\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> start(Map.of()));
        assertTrue(e.getMessage().startsWith("bad api.port 'abc' (file "), e.getMessage());
        assertTrue(e.getMessage().endsWith("not a number"), e.getMessage());
        // a flag hides the bad file value
        assertEquals(9, start(Map.of(), "--api-port", "9").run.apiPort);

        conf("api.prot = 1\n");
        e = assertThrows(IllegalArgumentException.class, () -> start(Map.of()));
        assertTrue(e.getMessage().startsWith("unknown key 'api.prot'"), e.getMessage());

        conf("");
        e = assertThrows(IllegalArgumentException.class, () -> start(Map.of("COLONY_P2P_PORT", "70000")));
        assertEquals("bad p2p.port '70000' (env COLONY_P2P_PORT): must be in -1..65535", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> start(Map.of("COLONY_LOG_FORMAT", "xml")));
        assertEquals("bad log.format 'xml' (env COLONY_LOG_FORMAT): must be one of text, json", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> start(Map.of("COLONY_MEMORY", "lots")));
        assertTrue(e.getMessage().startsWith("bad executor.memory 'lots' (env COLONY_MEMORY): "), e.getMessage());
    }

    @Test
    void nodeConfigShowsEveryKeyWithItsSourceAndBadConfigIsOneErrorLine() throws Exception {
        conf("executor.capacity = 3\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(out), new PrintWriter(err), "node", "config", "--data", dir.toString());
        assertEquals(0, status, err.toString());
        String text = out.toString();
        for (NodeSettings.Key k : NodeSettings.Key.values()) {
            assertTrue(text.contains(k.key) && text.contains(k.flag) && text.contains(k.env), k.key);
        }
        assertTrue(text.lines().anyMatch(l -> l.startsWith("executor.capacity") && l.contains(" 3 ") && l.contains("file")),
                text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("api.port") && l.contains("50080") && l.contains("default")),
                text);

        conf("lease.ms = 5\n");
        err = new StringWriter();
        status = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "node", "config", "--data",
                dir.toString());
        assertEquals(Main.EXIT_ERROR, status);
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("colony: bad lease.ms '5' (file "), err.toString());
    }

    @Test
    void theAllowListComesFromFlagsOrTheConfigFileAndNodeStartRunsNothingWithout() throws Exception {
        String id = io.colony.protocol.Identity.generate().memberId();
        io.colony.node.NodeConfig base = io.colony.node.NodeConfig.of(dir, id);
        assertTrue(start(Map.of()).run.apply(base).execPolicy().allowsNothing());
        io.colony.node.exec.ExecPolicy flags = start(Map.of(), "--allow", "echo", "--allow", "/usr/bin/python3 /opt/*")
                .run.apply(base).execPolicy();
        assertEquals(List.of("echo", "/usr/bin/python3 /opt/*"), flags.patterns());
        assertTrue(flags.check("echo", List.of("x"), false).allowed());
        assertTrue(!flags.check("cat", List.of("x"), false).allowed());

        conf("executor.allow = echo, cat\nexecutor.run-as = nobody\n");
        NodeCommand.Start st = start(Map.of());
        assertEquals(List.of("echo", "cat"), st.run.allow);
        assertEquals("nobody", st.run.runAs);

        IllegalArgumentException noUser = assertThrows(IllegalArgumentException.class,
                () -> start(Map.of(), "--run-as", "no-such-user-xyz").run.apply(base));
        assertEquals("--run-as: no such user 'no-such-user-xyz'", noUser.getMessage());

        conf("executor.allow = bin/evil\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> start(Map.of()));
        assertTrue(e.getMessage().startsWith("bad executor.allow 'bin/evil' (file "), e.getMessage());

        StringWriter out = new StringWriter();
        conf("");
        assertEquals(0, Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "node", "config", "--data",
                dir.toString()));
        assertTrue(out.toString().contains("executor.allow is not set: 'node start' runs no program"), out.toString());
    }

    @Test
    void devRunsEverythingUnlessRestricted() {
        io.colony.node.DevColony dev = io.colony.node.DevColony.prepare(dir.resolve("dev"));
        DevCommand cmd = new DevCommand();
        new CommandLine(cmd).parseArgs("--data", dir.resolve("dev").toString());
        cmd.configure(Map.of());
        assertTrue(cmd.run.apply(dev.nodeConfig()).execPolicy().allowsEverything());
        DevCommand echoOnly = new DevCommand();
        new CommandLine(echoOnly).parseArgs("--data", dir.resolve("dev").toString(), "--allow", "echo");
        echoOnly.configure(Map.of());
        assertEquals(List.of("echo"), echoOnly.run.apply(dev.nodeConfig()).execPolicy().patterns());
    }
}
