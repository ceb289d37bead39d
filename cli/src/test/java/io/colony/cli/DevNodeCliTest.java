package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.colony.node.DevColony;
import io.colony.node.Node;
import io.colony.protocol.Identity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the tests that run the {@code colony} command in-process against one dev node in this JVM
 * (a 'cli' executor of capacity 2), started once per test class.
 */
abstract class DevNodeCliTest {

    @TempDir
    static Path dir;
    static Node node;
    static DevColony dev;
    static final ObjectMapper JSON = new ObjectMapper();

    /** What a run of the command did. */
    record Result(int status, String out, String err) {
    }

    @BeforeAll
    static void start() {
        dev = DevColony.prepare(dir.resolve("dev"));
        node = Node.start(dev.nodeConfig().withApi("127.0.0.1", 0).withExecutor("cli", null, 2).withTick(50));
        dev.admitMembers(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Runs {@code colony args...}. */
    static Result colony(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(status, out.toString(), err.toString());
    }

    /** Runs a client command against the node, signing with {@code key}. */
    static Result as(Identity key, String... args) {
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--host", "127.0.0.1", "--port", Integer.toString(node.apiPort()),
                "--key", key.privateKeyHex()}, 0, all, args.length, 6);
        return colony(all);
    }

    /** Runs a client command against the node as the dev user. */
    static Result client(String... args) {
        return as(dev.user(), args);
    }

    /** A temporary file holding {@code json}. */
    static Path file(String json) throws Exception {
        Path f = Files.createTempFile(dir, "spec", ".json");
        Files.writeString(f, json);
        return f;
    }

    static void oneErrorLine(Result r) {
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("colony: "), r.err());
    }
}
