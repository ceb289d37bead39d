package io.colony.node.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.exec.CliRunner;
import io.colony.node.exec.ExecLimits;
import io.colony.node.lease.LeaseConfig;
import io.colony.node.lease.LeaseManager;
import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.LedgerConfig;
import io.colony.node.store.MemoryRecordStore;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Hex;
import io.colony.protocol.Identity;
import io.colony.protocol.ProcessState;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Record;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The execution journal: its file format, and that the executor writes a start before the program runs. */
class ExecutionJournalTest {

    @TempDir
    Path dir;

    private static final String PID = "ab".repeat(32);

    @Test
    void writesReadableLinesAndSkipsATornLine() throws Exception {
        try (ExecutionJournal j = ExecutionJournal.open(dir)) {
            j.started(Hex.decode(PID, 32, "id"), 1, 1_000);
            j.ended(Hex.decode(PID, 32, "id"), 1, 1_500, true);
            j.started(Hex.decode(PID, 32, "id"), 2, 2_000);
        }
        // a line torn by a kill, then a line of a later incarnation
        Path file = dir.resolve(ExecutionJournal.FILE_NAME);
        Files.writeString(file, "end " + PID + " 2 25", StandardOpenOption.APPEND);
        try (ExecutionJournal j = ExecutionJournal.open(dir)) {
            j.ended(Hex.decode(PID, 32, "id"), 3, 3_000, false);
        }
        List<ExecutionJournal.Entry> entries = ExecutionJournal.read(file);
        long me = ProcessHandle.current().pid();
        assertEquals(List.of(
                new ExecutionJournal.Entry(ExecutionJournal.Kind.START, PID, 1, 1_000, me, false),
                new ExecutionJournal.Entry(ExecutionJournal.Kind.END, PID, 1, 1_500, me, true),
                new ExecutionJournal.Entry(ExecutionJournal.Kind.START, PID, 2, 2_000, me, false)),
                entries.subList(0, 3));
        // the torn line swallowed the next line's start: both are one malformed line, skipped
        assertEquals(3, entries.size());
        assertEquals("start " + PID + " 1 1000 " + me, entries.get(0).line());
        assertEquals("end " + PID + " 1 1500 " + me + " success", entries.get(1).line());
    }

    @Test
    void parsesOnlyWellFormedLines() {
        assertNull(ExecutionJournal.Entry.parse(""));
        assertNull(ExecutionJournal.Entry.parse("start x 1 2"));
        assertNull(ExecutionJournal.Entry.parse("end x 1 2 3 maybe"));
        assertNull(ExecutionJournal.Entry.parse("start x one 2 3"));
        assertNull(ExecutionJournal.Entry.parse("start x 1 2 3".repeat(100)));
        assertEquals(new ExecutionJournal.Entry(ExecutionJournal.Kind.END, "x", 1, 2, 3, false),
                ExecutionJournal.Entry.parse("end x 1 2 3 failed"));
    }

    @Test
    void missingFileReadsEmpty() {
        assertEquals(List.of(), ExecutionJournal.read(dir.resolve("nope.log")));
        ExecutionJournal.none().started(new byte[32], 1, 1);
    }

    @Test
    void executorJournalsTheStartBeforeTheProgramRunsAndTheEndAfter() throws Exception {
        Identity owner = Identity.generate();
        Identity nodeKey = Identity.generate();
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
        CliRunner runner = new CliRunner(null, new ExecLimits(4096, 100, 100, Duration.ofMillis(300)), dir, io.colony.node.exec.ExecPolicy.allowAll());
        Path journalFile = dir.resolve(ExecutionJournal.FILE_NAME);
        Path seen = dir.resolve("seen");
        try (ExecutionJournal journal = ExecutionJournal.open(dir)) {
            Ledger ledger = new Ledger(owner.publicKey(), LedgerConfig.defaults(), new MemoryRecordStore());
            RecordFactory o = new RecordFactory(owner, owner.publicKey());
            long now = System.currentTimeMillis();
            SignedRecord submit = o.submit(now, FunctionSpec.of("cli", "sh", "-c", "cat '" + journalFile + "' > '" + seen + "'"));
            loop.submit(() -> {
                ledger.apply(o.admit(now, nodeKey.publicKey(), Role.NODE, "n", 0), now);
                ledger.apply(submit, now);
            }).get(10, TimeUnit.SECONDS);
            LeaseManager leases = new LeaseManager(owner.publicKey(), nodeKey.publicKey(), "n", "cli", 1,
                    LeaseConfig.of(2_000, 0));
            RecordSigner signer = bodies -> {
                for (Record b : bodies) {
                    ledger.apply(Records.sign(nodeKey, b), System.currentTimeMillis());
                }
            };
            LocalExecutor ex = new LocalExecutor(ledger, leases, runner, signer, loop, System::currentTimeMillis, journal);
            loop.scheduleWithFixedDelay(ex::poll, 0, 20, TimeUnit.MILLISECONDS);
            byte[] id = Records.recordId(submit);
            await().atMost(Duration.ofSeconds(20)).until(() -> loop.submit(
                    () -> ledger.summary(id).orElseThrow().state()).get() == ProcessState.SUCCESS);
            await().atMost(Duration.ofSeconds(10)).until(() -> ExecutionJournal.read(journalFile).size() == 2);
            String id64 = Hex.encode(id);
            // what the program itself saw: its own start, and no end yet
            assertEquals(List.of("start " + id64 + " 1"),
                    Files.readAllLines(seen, StandardCharsets.US_ASCII).stream()
                            .map(l -> l.substring(0, l.indexOf(" 1 ") + 2)).toList());
            List<ExecutionJournal.Entry> e = ExecutionJournal.read(journalFile);
            assertEquals(ExecutionJournal.Kind.END, e.get(1).kind());
            assertTrue(e.get(1).success());
            assertTrue(e.get(1).timeMs() >= e.get(0).timeMs());
        } finally {
            loop.shutdownNow();
            runner.close();
        }
    }
}
