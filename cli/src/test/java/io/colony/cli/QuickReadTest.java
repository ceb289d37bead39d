package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The read commands that skip picocli print what their picocli form prints, byte for byte, with the
 * same exit status; every other command line is left to picocli untouched; picocli is not loaded.
 */
class QuickReadTest extends DevNodeCliTest {

    private static String[] withNode(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--port", Integer.toString(node.apiPort()), "--key", dev.user().privateKeyHex()));
        return all.toArray(String[]::new);
    }

    private static Result picocli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.withPicocli(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(status, out.toString(), err.toString());
    }

    private static Result quick(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = QuickRead.run(new PrintWriter(out), new PrintWriter(err), env, args);
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void quickReadsPrintWhatPicocliPrints() throws Exception {
        Result r = client("process", "exec", "--type", "cli", "--func", "echo", "--args", "quick", "--wait");
        assertEquals(0, r.status(), r.err());
        String id = JSON.readTree(client("process", "ps", "--json", "--limit", "1").out()).get(0).get("id").asText();
        List<String[]> lines = List.of(
                withNode("process", "get", id), withNode("process", "get", id.substring(0, 8), "--json"),
                withNode("process", "get", "--json", id.substring(0, 10)), withNode("process", "ps"),
                withNode("process", "ps", "--json"), withNode("process", "pss"), withNode("process", "psf", "--json"),
                withNode("process", "psw"), withNode("process", "psr"), withNode("node", "info"),
                withNode("node", "info", "--json"),
                // errors: an unknown prefix, a short one, an id too long, a wrong key
                withNode("process", "get", "ffffff00"), withNode("process", "get", "abc"),
                withNode("process", "get", id + "00"),
                new String[] {"process", "get", id, "--port=" + node.apiPort(), "--key=" + "11".repeat(32)});
        for (String[] line : lines) {
            Result q = quick(Map.of(), line);
            Result p = picocli(line);
            assertTrue(q.status() >= 0, "quick: " + String.join(" ", line));
            assertEquals(p, q, String.join(" ", line));
        }
        // the same through the environment, as after pasting 'colony dev's export lines
        Map<String, String> env = Map.of("COLONY_HOST", "127.0.0.1", "COLONY_PORT", Integer.toString(node.apiPort()),
                "COLONY_PRVKEY", dev.user().privateKeyHex());
        assertEquals(picocli(withNode("process", "get", id)), quick(env, "process", "get", id));
        assertEquals(picocli(withNode("node", "info")).status(), quick(env, "node", "info").status());
    }

    @Test
    void everyOtherCommandLineIsPicoclis() {
        String port = Integer.toString(node.apiPort());
        List<String[]> others = List.of(new String[] {"process", "get"}, new String[] {"process", "get", "a", "b"},
                new String[] {"process", "get", "--help"}, new String[] {"process", "ps", "-h"},
                new String[] {"process", "ps", "--limit", "5"}, new String[] {"process", "ps", "--port", "abc"},
                new String[] {"process", "ps", "--port", "0x50"}, new String[] {"process", "ps", "--port", "050080"},
                new String[] {"process", "ps", "--port", port, "--port", port},
                new String[] {"process", "ps", "--json", "--json"}, new String[] {"process", "ps", "--json=true"},
                new String[] {"process", "ps", "--key"}, new String[] {"process", "ps", "--key", "--json"},
                new String[] {"process", "get", "-x"}, new String[] {"process", "get", "@file"},
                new String[] {"process", "ps", "--state", "failed"}, new String[] {"process", "psc"},
                new String[] {"node", "peers"}, new String[] {"node", "info", "--tls"}, new String[] {"process"},
                new String[] {"--version"}, new String[] {});
        for (String[] line : others) {
            Result q = quick(Map.of("COLONY_PORT", port), line);
            assertEquals(new Result(-1, "", ""), q, String.join(" ", line));
        }
        assertEquals(-1, quick(Map.of("COLONY_PORT", "abc"), "node", "info").status());
        assertEquals(-1, quick(Map.of("COLONY_HOST", ""), "node", "info").status());
        // picocli still judges them: a usage error exits 2
        assertEquals(2, colony(withNode("process", "ps", "--port", "abc")).status());
        assertEquals(2, colony("process", "get", "a", "b").status());
    }

    @Test
    void aQuickReadWithoutAKeySaysSoInOneLine() {
        Result q = quick(Map.of("COLONY_PORT", Integer.toString(node.apiPort())), "process", "ps");
        assertEquals(1, q.status());
        assertEquals("", q.out());
        assertEquals("colony: no private key given (use --key or COLONY_PRVKEY)\n", q.err());
    }

    @Test
    void aQuickReadLoadsNoPicocliClass() throws Exception {
        Path log = Files.createTempFile(dir, "classes", ".log");
        List<String> cmd = new ArrayList<>(List.of(CdsArchive.java().toString(), "-Xlog:class+load:file=" + log,
                "-cp", System.getProperty("java.class.path"), Colony.class.getName()));
        cmd.addAll(List.of(withNode("node", "info")));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        CdsArchive.cleanEnvironment(pb.environment());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Colony:        " + dev.owner().memberId()), out);
        String classes = Files.readString(log);
        assertTrue(classes.contains("io.colony.cli.QuickRead"), "the log names the classes loaded");
        assertFalse(classes.contains(" picocli."), "picocli was loaded");
    }
}
