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
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void killedWriterLosesNothingAcknowledged() throws Exception {
        Path file = dir.resolve("crash.db");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path err = dir.resolve("child.err");
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                StoreWriterMain.class.getName(), file.toString())
                .redirectError(err.toFile()).start();
        int acked = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked = Integer.parseInt(line.substring(4));
                    if (acked >= 40 * StoreWriterMain.BATCH) {
                        child.destroyForcibly(); // SIGKILL in the middle of the next batch
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        assertTrue(acked >= 40 * StoreWriterMain.BATCH, "child acknowledged only " + acked + "; classpath "
                + System.getProperty("java.class.path") + "; stderr: " + Files.readString(err));
        assertTrue(new File(file.toString()).exists());
        try (MapDbRecordStore s = MapDbRecordStore.open(file)) {
            long count = s.count();
            assertTrue(count >= acked, "acknowledged " + acked + " but found " + count);
            assertEquals(0, count % StoreWriterMain.BATCH, "a batch was half committed: " + count);
            for (int i = 0; i < acked; i++) {
                DecodedRecord r = StoreWriterMain.record(i);
                assertArrayEquals(r.signed().toByteArray(), s.get(r.id()).orElseThrow().toByteArray(), "record " + i);
            }
            final long[] seen = {0};
            s.forEach(r -> {
                Records.decode(r);
                seen[0]++;
            });
            assertEquals(count, seen[0]);
            // the store still takes writes after recovery
            s.putAll(List.of(d(f.submit(5, FunctionSpec.of("cli", "after")))));
            assertEquals(count + 1, s.count());
        }
    }
}
