package io.colony.node.exec;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliRunnerTest {

    @TempDir
    Path dir;
    private CliRunner runner;

    @BeforeEach
    void setUp() {
        runner = new CliRunner(null, new ExecLimits(100, 3, 50, Duration.ofMillis(500)), dir, ExecPolicy.allowAll());
    }

    @AfterEach
    void tearDown() {
        runner.close();
    }

    private ExecResult run(ExecRequest request, LogSink sink) throws Exception {
        return runner.start(request, sink).result().get(30, TimeUnit.SECONDS);
    }

    @Test
    void capturesStdoutAsOutputAndBothStreamsAsLogs() throws Exception {
        List<String> logs = new CopyOnWriteArrayList<>();
        ExecResult r = run(new ExecRequest("sh", List.of("-c", "echo sayhello; echo oops >&2"), Map.of(), false, null),
                (stream, line) -> logs.add(stream + ":" + line));
        assertTrue(r.success());
        assertEquals(List.of("sayhello"), r.output());
        assertTrue(logs.containsAll(List.of("stdout:sayhello", "stderr:oops")), logs.toString());
    }

    @Test
    void nonZeroExitFailsWithStatusAndStderrTail() throws Exception {
        ExecResult r = run(new ExecRequest("sh", List.of("-c", "echo broken >&2; exit 3"), Map.of(), false, null),
                LogSink.NONE);
        assertFalse(r.success());
        assertEquals(3, r.exitCode());
        assertNull(r.stop());
        assertTrue(r.errors().get(0).contains("status 3"), r.errors().toString());
        assertTrue(r.errors().contains("broken"));
    }

    @Test
    void argumentsAreNotInterpretedByAShell() throws Exception {
        Path marker = dir.resolve("marker");
        ExecResult r = run(ExecRequest.of("echo", "hello; touch " + marker, "$HOME"), LogSink.NONE);
        assertTrue(r.success());
        assertEquals(List.of("hello; touch " + marker + " $HOME"), r.output());
        assertFalse(Files.exists(marker));
    }

    @Test
    void shellTrueRunsThroughShWithEnv() throws Exception {
        ExecResult r = run(new ExecRequest("echo a; echo $GREETING", List.of(), Map.of("GREETING", "hej"), true, null),
                LogSink.NONE);
        assertEquals(List.of("a", "hej"), r.output());
    }

    @Test
    void boundsLinesAndOutput() throws Exception {
        List<String> logs = new CopyOnWriteArrayList<>();
        ExecResult r = run(new ExecRequest("sh", List.of("-c",
                "head -c 1000 /dev/zero | tr '\\0' x; echo; for i in $(seq 1 100); do echo $i; done"),
                Map.of(), false, null), (s, l) -> logs.add(l));
        assertTrue(r.success());
        assertEquals(3, r.output().size());
        assertEquals(100, r.output().get(0).length());
        assertEquals(50, logs.size());
    }

    @Test
    void missingProgramFails() throws Exception {
        ExecResult r = run(ExecRequest.of("no-such-program-colony-test"), LogSink.NONE);
        assertFalse(r.success());
        assertFalse(r.errors().isEmpty());
    }

    @Test
    void maxExecTimeKillsTheWholeTree() throws Exception {
        List<String> logs = new CopyOnWriteArrayList<>();
        // sh (child) starts sleep (grandchild) in the background, prints its pid, and waits
        RunningProcess p = runner.start(new ExecRequest("sleep 300 & echo $!; wait", List.of(), Map.of(), true,
                Duration.ofSeconds(1)), (s, l) -> logs.add(l));
        await().atMost(Duration.ofSeconds(10)).until(() -> !logs.isEmpty());
        long grandchild = Long.parseLong(logs.get(0));
        assertTrue(OsProcesses.alive(grandchild));
        ExecResult r = p.result().get(20, TimeUnit.SECONDS);
        assertEquals(ExecResult.StopReason.TIMEOUT, r.stop());
        assertFalse(r.success());
        assertTrue(r.errors().get(0).contains("maxexectime"), r.errors().toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> !OsProcesses.alive(grandchild));
        assertFalse(OsProcesses.alive(p.pid()));
    }

    @Test
    void stopKillsPromptlyEvenWhenTermIsIgnored() throws Exception {
        RunningProcess p = runner.start(new ExecRequest("trap '' TERM; sleep 300 & wait; sleep 300",
                List.of(), Map.of(), true, null), LogSink.NONE);
        await().atMost(Duration.ofSeconds(10)).until(() -> OsProcesses.alive(p.pid()));
        p.stop();
        ExecResult r = p.result().get(10, TimeUnit.SECONDS);
        assertEquals(ExecResult.StopReason.STOPPED, r.stop());
        assertFalse(OsProcesses.alive(p.pid()));
    }
}
