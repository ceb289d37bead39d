package io.colony.node.exec;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an attacker-controlled spec must not achieve against the cli executor. */
class CliRunnerSecurityTest {

    @TempDir
    Path dir;
    private CliRunner runner;

    @AfterEach
    void tearDown() {
        if (runner != null) {
            runner.close();
        }
    }

    private ExecResult run(ExecPolicy policy, ExecRequest request) throws Exception {
        runner = new CliRunner(null, new ExecLimits(4096, 100, 100, Duration.ofMillis(300)), dir, policy);
        return runner.start(request, LogSink.NONE).result().get(30, TimeUnit.SECONDS);
    }

    /** Live processes whose command line contains {@code marker}. */
    private static List<Long> processesWith(String marker) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    return cmd.contains(marker) && OsProcesses.alive(Long.parseLong(p.getFileName().toString()));
                } catch (IOException e) {
                    return false;
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        }
    }

    private static String uniqueSeconds() {
        return "7." + (100000 + ThreadLocalRandom.current().nextInt(800000));
    }

    @Test
    void aFuncnameStartingWithDashIsNotAnOptionOfTheWrapperAndNothingEscapes() throws Exception {
        assumeTrue(ProcessGroups.supported());
        String secs = uniqueSeconds();
        ExecResult r = run(ExecPolicy.allowAll(),
                new ExecRequest("-f", List.of("sleep", secs), Map.of(), false, Duration.ofSeconds(1)));
        assertFalse(r.success(), r.toString());
        // before: "setsid -f sleep N" forked, reported success at once and left sleep running under PID 1
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> processesWith("sleep " + secs).isEmpty());
    }

    @Test
    void aShellLineStartingWithDashIsNotAnOptionOfTheShellAndItsTreeIsKilledAtMaxexectime() throws Exception {
        assumeTrue(ProcessGroups.supported());
        String secs = uniqueSeconds();
        ExecResult r = run(ExecPolicy.allowAll(),
                new ExecRequest("-f sleep " + secs + "; sleep " + secs, List.of(), Map.of(), true, Duration.ofSeconds(1)));
        assertFalse(r.success(), r.toString());
        await().atMost(Duration.ofSeconds(5)).until(() -> processesWith("sleep " + secs).isEmpty());
        ExecResult killed = run(ExecPolicy.allowAll(),
                new ExecRequest("sleep " + secs + " & sleep " + secs, List.of(), Map.of(), true, Duration.ofSeconds(1)));
        assertEquals(ExecResult.StopReason.TIMEOUT, killed.stop());
        await().atMost(Duration.ofSeconds(5)).until(() -> processesWith("sleep " + secs).isEmpty());
    }

    @Test
    void aMaxexectimeNearTheLongLimitRunsNormallyInsteadOfFailingWhileTheProgramRuns() throws Exception {
        ExecResult r = run(ExecPolicy.allowAll(), new ExecRequest("echo", List.of("done"), Map.of(), false,
                Duration.ofSeconds(Long.MAX_VALUE / 1000)));
        assertTrue(r.success(), r.toString());
        assertEquals(List.of("done"), r.output());
    }

    @Test
    void aNodeWithoutAllowListRunsNothing() throws Exception {
        Path secret = Files.writeString(dir.resolve("owner.key"), "s3cret\n");
        ExecResult r = run(ExecPolicy.denyAll(), ExecRequest.of("cat", secret.toString()));
        assertFalse(r.success());
        assertEquals(List.of(), r.output());
        assertTrue(r.errors().get(0).contains("not allowed by this node's operator: add --allow"), r.errors().toString());
    }

    @Test
    void aNodeAllowingEchoRefusesCatAndShell() throws Exception {
        Path secret = Files.writeString(dir.resolve("owner.key"), "s3cret\n");
        ExecPolicy echoOnly = ExecPolicy.of(List.of("echo"));
        ExecResult cat = run(echoOnly, ExecRequest.of("cat", secret.toString()));
        assertFalse(cat.success());
        assertTrue(cat.errors().get(0).contains("--allow"), cat.errors().toString());
        ExecResult sh = run(echoOnly, new ExecRequest("cat " + secret, List.of(), Map.of(), true, null));
        assertFalse(sh.success());
        assertEquals(List.of(), sh.output());
        assertEquals(List.of("hi"), run(echoOnly, ExecRequest.of("echo", "hi")).output());
    }

    @Test
    void theChildGetsACleanEnvironmentNotTheNodes() throws Exception {
        assumeTrue(!System.getenv().isEmpty());
        ExecResult r = run(ExecPolicy.allowAll(), new ExecRequest("env", List.of(), Map.of("GREETING", "hej",
                "COLONY_PROCESS_ID", "abc"), false, null));
        assertTrue(r.success(), r.toString());
        Set<String> names = new TreeSet<>();
        for (String line : r.output()) {
            names.add(line.substring(0, line.indexOf('=')));
        }
        assertEquals(new TreeSet<>(Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "TMPDIR", "GREETING",
                "COLONY_PROCESS_ID")), names, r.output().toString());
        assertTrue(r.output().contains("PATH=" + ExecPolicy.CLEAN_PATH));
    }

    @Test
    void loaderAndPathVariablesAreRefusedEvenIfTheyReachTheRunner() throws Exception {
        for (String name : List.of("LD_PRELOAD", "PATH", "BASH_ENV")) {
            ExecResult r = run(ExecPolicy.allowAll(),
                    new ExecRequest("echo", List.of("ran"), Map.of(name, dir.toString()), false, null));
            assertFalse(r.success(), name);
            assertEquals(List.of(), r.output(), name);
            assertTrue(r.errors().get(0).contains("env." + name), r.errors().toString());
        }
    }

    @Test
    void aRunAsChildCannotReadTheNodesKey() throws Exception {
        assumeTrue(RunAsUser.canCreate(), "needs root with useradd and setpriv");
        String user = RunAsUser.ensure();
        // the test's dir is open to others: only the data dir's 0700 and the key's 0600 protect the key
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = dir.resolve("data");
        io.colony.node.KeyFiles.write(data.resolve("node.key"), io.colony.protocol.Identity.generate());
        Files.writeString(dir.resolve("public.txt"), "open\n");
        ExecPolicy asUser = ExecPolicy.allowAll().withRunAs(user);
        ExecResult cat = run(asUser, ExecRequest.of("cat", data.resolve("node.key").toString()));
        assertFalse(cat.success(), cat.toString());
        assertEquals(List.of(), cat.output());
        assertEquals(List.of("open"), run(asUser, ExecRequest.of("cat", dir.resolve("public.txt").toString())).output());
        ExecResult id = run(asUser, ExecRequest.of("id", "-un"));
        assertEquals(List.of(user), id.output(), id.toString());
        // the same child as the node's user reads it: the protection is the other user
        assertEquals(1, run(ExecPolicy.allowAll(), ExecRequest.of("cat", data.resolve("node.key").toString()))
                .output().size());
    }
}
