package io.colony.node.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.protocol.DecodedRecord;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapDbRecordStoreTest {
    @TempDir
    Path dir;

    private final Identity owner = Identity.generate();
    private final RecordFactory f = new RecordFactory(owner, owner.publicKey());

    private static DecodedRecord d(SignedRecord r) {
        return Records.decode(r);
    }

    private void contract(Supplier<RecordStore> open) {
        try (RecordStore s = open.get()) {
            DecodedRecord sub = d(f.submit(1_000, FunctionSpec.of("cli", "f")));
            byte[] p = sub.id();
            DecodedRecord late = d(f.claim(3_000, p, 1, "e", "cli", 9_000));
            DecodedRecord early = d(f.claim(2_000, p, 1, "e", "cli", 9_000));
            DecodedRecord log = d(f.log(2_500, p, 1, 0, List.of("x")));
            DecodedRecord admit = d(f.admit(500, new byte[32], Role.NODE, "n", 0));
            s.putAll(List.of(late, sub, log, early, admit));
            s.put(sub); // idempotent
            s.commit();
            assertEquals(5, s.count());
            assertTrue(s.contains(p));
            assertEquals(sub.signed(), s.get(p).orElseThrow());
            assertEquals(List.of(sub.signed(), early.signed(), late.signed()), s.byProcess(p));
            assertEquals(List.of(log.signed()), s.logsOf(p));
            assertEquals(List.of(admit.signed()), s.membership());
            s.delete(log);
            s.commit();
            assertEquals(List.of(), s.logsOf(p));
            assertFalse(s.contains(log.id()));
            List<SignedRecord> all = new ArrayList<>();
            s.forEach(all::add);
            assertEquals(4, all.size());
            List<byte[]> bucket = new ArrayList<>();
            s.forEachIdInBucket(p[0] & 0xff, bucket::add);
            assertTrue(bucket.stream().anyMatch(id -> java.util.Arrays.equals(id, p)));
            assertTrue(bucket.stream().allMatch(id -> id[0] == p[0]));
        }
    }

    @Test
    void memoryStoreContract() {
        contract(MemoryRecordStore::new);
    }

    @Test
    void mapDbStoreContract() {
        contract(() -> MapDbRecordStore.open(dir.resolve("a.db")));
    }

    @Test
    void committedBatchesSurviveReopenUncommittedOnesDoNot() {
        Path file = dir.resolve("b.db");
        DecodedRecord one = d(f.submit(1_000, FunctionSpec.of("cli", "one")));
        DecodedRecord two = d(f.submit(1_001, FunctionSpec.of("cli", "two")));
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            s.putAll(List.of(one));
            s.put(two); // staged, never committed
        }
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            assertTrue(s.contains(one.id()));
            assertFalse(s.contains(two.id()));
            assertEquals(1, s.count());
            assertEquals(List.of(one.signed()), s.byProcess(one.id()));
        }
    }

    /**
     * SIGKILLs a writer that commits batches as fast as it can, several times on one file, at
     * different points (the child checkpoints MapDB every 120 entries, so some kills land in a
     * checkpoint and the next open rebuilds the index), reopening in between: every acknowledged
     * batch is there, no batch is half there, every index answers, and the store still takes writes.
     */
    @Test
    void killedWriterLosesNothingAcknowledgedOverRepeatedKills() throws Exception {
        Path file = dir.resolve("crash.db");
        int[] killAfterBatches = {7, 23, 61, 13, 97, 41, 30, 52};
        for (int round = 0; round < killAfterBatches.length; round++) {
            long before = countIn(file);
            int acked = runWriterAndKill(file, killAfterBatches[round]);
            try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
                long count = s.count();
                assertTrue(count >= acked, "round " + round + ": acknowledged " + acked + " but found " + count);
                assertEquals(0, count % StoreWriterMain.BATCH, "round " + round + ": a batch was half committed: "
                        + count);
                assertTrue(count >= before, "round " + round + ": records lost: " + before + " -> " + count);
                for (int i = 0; i < count; i++) {
                    DecodedRecord r = StoreWriterMain.record(i);
                    assertArrayEquals(r.signed().toByteArray(), s.get(r.id()).orElseThrow().toByteArray(),
                            "record " + i);
                    assertEquals(List.of(r.signed()), s.byProcess(r.id()), "index of record " + i);
                }
                final long[] seen = {0};
                s.forEach(r -> {
                    Records.decode(r);
                    seen[0]++;
                });
                assertEquals(count, seen[0]);
            }
        }
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            long count = s.count();
            s.putAll(List.of(d(f.submit(5, FunctionSpec.of("cli", "after")))));
            assertEquals(count + 1, s.count());
        }
    }

    private static long countIn(Path file) {
        if (!Files.exists(file)) {
            return 0;
        }
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            return s.count();
        }
    }

    /** Runs the writer until it acknowledged {@code batches} more batches, SIGKILLs it; returns records acknowledged. */
    private int runWriterAndKill(Path file, int batches) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path err = dir.resolve("child.err");
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                StoreWriterMain.class.getName(), file.toString(), "120")
                .redirectError(err.toFile()).start();
        int acked = -1;
        int start = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("START ")) {
                    start = Integer.parseInt(line.substring(6));
                } else if (line.startsWith("ACK ")) {
                    acked = Integer.parseInt(line.substring(4));
                    if (acked - start >= batches * StoreWriterMain.BATCH) {
                        // SIGKILL somewhere in the next batches: a fault injected at a varied point
                        LockSupport.parkNanos(batches % 11 * 2_000_000L);
                        child.destroyForcibly();
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        assertTrue(start >= 0 && acked - start >= batches * StoreWriterMain.BATCH, "child acknowledged only "
                + acked + " from " + start + "; stderr: " + Files.readString(err));
        return acked;
    }

    @Test
    void missingCheckpointRebuildsTheIndexFromTheJournal() throws Exception {
        Path file = dir.resolve("r.db");
        List<DecodedRecord> recs = someRecords(300);
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            s.putAll(recs);
            s.delete(recs.get(7));
            s.commit();
        }
        Files.delete(dir.resolve("r.db.checkpoint")); // as if killed during a checkpoint
        assertSameContents(file, recs, 7);
        // a MapDB file that cannot be read at all (but a checkpoint that looks valid): rebuilt too
        Files.write(file, new byte[4096]);
        assertSameContents(file, recs, 7);
    }

    @Test
    void tornJournalTailIsCutAndTheStoreGoesOn() throws Exception {
        Path file = dir.resolve("t.db");
        List<DecodedRecord> recs = someRecords(50);
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            s.putAll(recs);
        }
        Path journal = dir.resolve("t.db.journal");
        long size = Files.size(journal);
        // half an entry (a crash during a write) and then garbage
        Files.write(journal, new byte[] {0, 0, 1, 0, 1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertSameContents(file, recs, -1);
        assertEquals(size, Files.size(journal));
    }

    @Test
    void aDamagedEntryWithCommittedRecordsAfterItIsKeptAsideNotThrownAway() throws Exception {
        Path file = dir.resolve("d.db");
        List<DecodedRecord> first = someRecords(10);
        List<DecodedRecord> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            later.add(d(f.submit(9_000 + i, FunctionSpec.of("cli", "later" + i))));
        }
        Path journal = dir.resolve("d.db.journal");
        long damageAt;
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            s.putAll(first);
            damageAt = Files.size(journal);
            s.putAll(later);
        }
        Files.delete(dir.resolve("d.db.checkpoint")); // rebuild from the journal
        byte[] bytes = Files.readAllBytes(journal);
        bytes[(int) damageAt + 1] ^= 0x55; // bit rot in the length of the first later record: the rest is unreachable
        Files.write(journal, bytes);
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            assertEquals(first.size(), s.count());
        }
        Path kept = dir.resolve("d.db.journal.damaged-" + damageAt);
        assertTrue(Files.exists(kept), "the cut-off entries are kept");
        assertEquals(bytes.length - damageAt, Files.size(kept));
        // a torn tail (no commit after it) is only cut
        Files.write(journal, new byte[] {0, 0, 0, 9, 1}, java.nio.file.StandardOpenOption.APPEND);
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            assertEquals(first.size(), s.count());
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().contains("damaged")).count());
        }
    }

    /** Offsets of the PUT entries of a journal file, in order. */
    private static List<Integer> putOffsets(byte[] journal) {
        List<Integer> out = new ArrayList<>();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(journal);
        int pos = (int) RecordJournal.START;
        while (pos + 9 <= journal.length) {
            int len = b.getInt(pos);
            if (journal[pos + 8] == RecordJournal.PUT) {
                out.add(pos);
            }
            pos += 8 + len;
        }
        return out;
    }

    /** Writes {@code recs} in batches of 10 and flips one byte in the payload of record {@code victim}. */
    private Path storeWithOneFlippedByte(String name, List<DecodedRecord> recs, int victim, boolean keepCheckpoint)
            throws Exception {
        Path file = dir.resolve(name);
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            for (int i = 0; i < recs.size(); i += 10) {
                s.putAll(recs.subList(i, Math.min(recs.size(), i + 10)));
            }
        }
        if (!keepCheckpoint) {
            Files.delete(dir.resolve(name + ".checkpoint")); // the index is rebuilt from the journal
        }
        Path journal = dir.resolve(name + ".journal");
        byte[] bytes = Files.readAllBytes(journal);
        int at = putOffsets(bytes).get(victim);
        bytes[at + 9 + 40] ^= 0x01; // one bit, inside the record (the payload), length intact
        Files.write(journal, bytes);
        return file;
    }

    private static void assertLostExactly(MapDbRecordStore s, List<DecodedRecord> recs, int victim) {
        List<SignedRecord> all = new ArrayList<>();
        s.forEach(all::add);
        assertEquals(recs.size() - 1, all.size());
        for (int i = 0; i < recs.size(); i++) {
            if (i == victim) {
                assertTrue(s.get(recs.get(i).id()).isEmpty());
            } else {
                assertEquals(recs.get(i).signed(), s.get(recs.get(i).id()).orElseThrow(), "record " + i);
            }
        }
        assertEquals(recs.size() - 1, s.count());
        assertEquals(1, s.damagedEntries());
    }

    @Test
    void aByteFlippedInAnEntryLosesExactlyThatEntryWhenTheIndexIsRebuilt() throws Exception {
        List<DecodedRecord> recs = someRecords(60);
        Path file = storeWithOneFlippedByte("f.db", recs, 25, false);
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            assertLostExactly(s, recs, 25);
            // the store goes on: a peer gives the record back, new records are kept
            s.putAll(List.of(recs.get(25), d(f.submit(5_000, FunctionSpec.of("cli", "after")))));
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(p -> p.getFileName().toString().contains("damaged")).count(),
                    "nothing is moved aside");
        }
        Files.delete(dir.resolve("f.db.checkpoint"));
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            assertEquals(recs.size() + 1, s.count());
            assertEquals(recs.get(25).signed(), s.get(recs.get(25).id()).orElseThrow());
        }
    }

    @Test
    void aByteFlippedInAnEntryTheIndexCoversLosesExactlyThatEntryAndDoesNotStopTheStore() throws Exception {
        List<DecodedRecord> recs = someRecords(60);
        Path file = storeWithOneFlippedByte("g.db", recs, 7, true);
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            assertLostExactly(s, recs, 7);
            assertFalse(s.contains(recs.get(7).id()), "dropped from the index: sync can bring it back");
        }
    }

    @Test
    void aSecondOpenOfTheSameJournalIsRefusedWhileTheFirstHoldsIt() {
        Path file = dir.resolve("l.db");
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            s.putAll(someRecords(3));
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> MapDbRecordStore.open(file));
            assertTrue(e.getMessage().contains("in use by a running node"), e.getMessage());
        }
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            assertEquals(3, s.count());
        }
    }

    @Test
    void storeWrittenBeforeTheJournalIsMigrated() {
        Path file = dir.resolve("old.db");
        List<DecodedRecord> recs = someRecords(20);
        org.mapdb.DB old = org.mapdb.DBMaker.fileDB(file.toFile()).transactionEnable().make();
        var map = old.hashMap("records", org.mapdb.Serializer.BYTE_ARRAY, org.mapdb.Serializer.BYTE_ARRAY)
                .createOrOpen();
        for (DecodedRecord r : recs) {
            map.put(r.id(), r.signed().toByteArray());
        }
        old.commit();
        old.close();
        assertSameContents(file, recs, -1);
    }

    @Test
    void aMissingJournalIsAClearErrorNotAnEmptyLedger() throws Exception {
        Path file = dir.resolve("j.db");
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            s.putAll(someRecords(3));
        }
        Files.delete(dir.resolve("j.db.journal"));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> MapDbRecordStore.open(file));
        assertTrue(e.getMessage().contains("journal j.db.journal is missing"), e.getMessage());
        assertTrue(Files.exists(file), "the index is left alone");
    }

    private List<DecodedRecord> someRecords(int n) {
        List<DecodedRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(d(f.submit(1_000 + i, FunctionSpec.of("cli", "f" + i))));
        }
        return out;
    }

    private static void assertSameContents(Path file, List<DecodedRecord> recs, int deleted) {
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            assertEquals(recs.size() - (deleted >= 0 ? 1 : 0), s.count());
            for (int i = 0; i < recs.size(); i++) {
                DecodedRecord r = recs.get(i);
                if (i == deleted) {
                    assertFalse(s.contains(r.id()));
                    assertEquals(List.of(), s.byProcess(r.id()));
                } else {
                    assertEquals(r.signed(), s.get(r.id()).orElseThrow());
                    assertEquals(List.of(r.signed()), s.byProcess(r.id()));
                }
            }
        }
    }
}
