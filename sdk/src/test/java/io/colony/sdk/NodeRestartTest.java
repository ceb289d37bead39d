package io.colony.sdk;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.colony.protocol.FunctionSpec;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node stopped and started again on its data dir keeps its history and finishes interrupted work. */
class NodeRestartTest {

    @TempDir
    Path dir;

    @Test
    void historySurvivesAndARunningProcessIsReassignedAfterItsLeaseExpires() {
        Path marker = dir.resolve("first-attempt-ran");
        String done;
        String interrupted;
        try (TestColony c = TestColony.start(dir.resolve("data"))) {
            done = c.client.submit(FunctionSpec.of("cli", "echo", "sayhello")).id();
            assertEquals(ProcessState.SUCCESS, c.client.waitFor(done, Duration.ofSeconds(20)).state());
            // first attempt: leaves a marker and hangs; second attempt: succeeds at once
            FunctionSpec spec = new FunctionSpec(null, "if [ -f " + marker + " ]; then echo second; else touch " + marker
                    + "; sleep 300; fi", List.of(), null, null, io.colony.protocol.Conditions.of("cli"), 0, 0, 2, 0, null,
                    true);
            interrupted = c.client.submit(spec).id();
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(marker)
                    && c.client.get(interrupted).state() == ProcessState.RUNNING);
        }
        try (TestColony c = TestColony.start(dir.resolve("data"))) {
            ProcessView old = c.client.get(done);
            assertEquals(ProcessState.SUCCESS, old.state());
            assertEquals(List.of("sayhello"), old.output());
            ProcessView p = c.client.waitFor(interrupted, Duration.ofSeconds(30));
            assertEquals(ProcessState.SUCCESS, p.state(), p.errors().toString());
            assertEquals(2, p.attempt());
            assertEquals(List.of("second"), p.output());
        }
    }
}
