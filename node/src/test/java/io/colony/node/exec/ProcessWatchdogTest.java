package io.colony.node.exec;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessWatchdogTest {

    @TempDir
    Path dir;

    @Test
    void childrenDieWithAJvmKilledBySigkill() throws Exception {
        Assumptions.assumeTrue(ProcessGroups.supported(), "needs setsid");
        Path file = dir.resolve("children");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WatchdogProbe.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long sleepPid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            sleepPid = Long.parseLong(out.readLine().trim());
            assertTrue(OsProcesses.alive(sleepPid));
            assertTrue(Files.readString(file).startsWith(sleepPid + " "));
            jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> !OsProcesses.alive(sleepPid));
    }

    @Test
    void leftoversOfAPreviousRunAreKilledOnStart() throws Exception {
        Assumptions.assumeTrue(ProcessGroups.supported(), "needs setsid");
        Process orphan = new ProcessBuilder(ProcessGroups.inNewSession(List.of("sleep", "300"))).start();
        long started = orphan.toHandle().info().startInstant().orElseThrow().toEpochMilli();
        Path file = dir.resolve("children");
        Files.writeString(file, orphan.pid() + " " + started + "\n");
        assertEquals(1, ProcessWatchdog.killLeftovers(file));
        await().atMost(Duration.ofSeconds(10)).until(() -> !orphan.isAlive());
    }

    @Test
    void aReusedPidIsNotKilled() throws Exception {
        Process other = new ProcessBuilder("sleep", "300").start();
        try {
            Path file = dir.resolve("children");
            Files.writeString(file, other.pid() + " 12345\n");
            assertEquals(0, ProcessWatchdog.killLeftovers(file));
            assertTrue(other.isAlive());
        } finally {
            other.destroyForcibly();
        }
    }
}
