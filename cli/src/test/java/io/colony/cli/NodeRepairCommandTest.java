package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.colony.node.DevColony;
import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.LedgerConfig;
import io.colony.node.store.MapDbRecordStore;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code colony node repair}: a damaged journal's records saved aside come back; a running node's dir is refused. */
class NodeRepairCommandTest {
    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int s = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(s, out.toString(), err.toString());
    }

    /** A data dir whose ledger holds an Admit and {@code n} submits, committed 10 at a time. */
    private List<SignedRecord> ledgerWith(int n) {
        DevColony dev = DevColony.prepare(dir);
        byte[] colony = dev.owner().publicKey();
        RecordFactory owner = new RecordFactory(dev.owner(), colony);
        RecordFactory user = new RecordFactory(dev.user(), colony);
        long t = System.currentTimeMillis() - 3_600_000;
        List<SignedRecord> all = new ArrayList<>();
        try (MapDbRecordStore store = MapDbRecordStore.open(dir.resolve("ledger.db"))) {
            Ledger ledger = new Ledger(colony, LedgerConfig.defaults(), store);
            SignedRecord admit = owner.admit(t, dev.user().publicKey(), Role.USER, "u", 0);
            ledger.apply(admit, System.currentTimeMillis());
            all.add(admit);
            for (int i = 0; i < n; i += 10) {
                List<SignedRecord> batch = new ArrayList<>();
                for (int j = i; j < Math.min(n, i + 10); j++) {
                    batch.add(user.submit(t + 1 + j, FunctionSpec.of("cli", "echo", "p" + j)));
                }
                ledger.applyAll(batch, System.currentTimeMillis());
                all.addAll(batch);
            }
        }
        return all;
    }

    /** Offset of the {@code k}-th PUT entry of the journal. */
    private static int putOffset(byte[] journal, int k) {
        ByteBuffer b = ByteBuffer.wrap(journal);
        int pos = 8;
        int seen = 0;
        while (true) {
            int len = b.getInt(pos);
            if (journal[pos + 8] == 1 && seen++ == k) {
                return pos;
            }
            pos += 8 + len;
        }
    }

    private static byte[] putEntry(byte[] payload) {
        CRC32C c = new CRC32C();
        c.update(1);
        c.update(payload);
        return ByteBuffer.allocate(9 + payload.length).putInt(1 + payload.length).putInt((int) c.getValue())
                .put((byte) 1).put(payload).array();
    }

    @Test
    void repairBringsBackTheRecordsADamagedLengthMovedAside() throws Exception {
        List<SignedRecord> all = ledgerWith(300);
        Path journal = dir.resolve("ledger.db.journal");
        byte[] bytes = Files.readAllBytes(journal);
        bytes[putOffset(bytes, 151) + 1] ^= 0x40; // the length of an entry in the middle: what follows is unreachable
        Files.write(journal, bytes);
        Files.delete(dir.resolve("ledger.db.checkpoint"));
        long afterDamage;
        try (MapDbRecordStore store = MapDbRecordStore.open(dir.resolve("ledger.db"))) {
            afterDamage = store.count();
        }
        assertTrue(afterDamage < 160, "the node lost the records after the damage: " + afterDamage);
        Path saved;
        try (var files = Files.list(dir)) {
            saved = files.filter(p -> p.getFileName().toString().startsWith("ledger.db.journal.damaged-")).findFirst()
                    .orElseThrow();
        }
        // a forged record in the saved file is not imported
        SignedRecord genuine = all.get(5);
        SignedRecord forged = genuine.toBuilder().setBody(genuine.getBody().concat(ByteString.copyFromUtf8("x")))
                .build();
        Files.write(saved, putEntry(forged.toByteArray()), StandardOpenOption.APPEND);

        Result r = run("node", "repair", "--data", dir.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("index: rebuilt from the journal"), r.out());
        assertTrue(r.out().contains("imported"), r.out());
        assertTrue(r.out().contains("1 with a bad signature (dropped)"), r.out());
        assertFalse(Files.exists(saved));
        assertTrue(Files.exists(saved.resolveSibling(saved.getFileName() + ".imported")));
        try (MapDbRecordStore store = MapDbRecordStore.open(dir.resolve("ledger.db"))) {
            assertEquals(all.size() - 1, store.count(), "all but the record whose length was damaged");
            int missing = 0;
            for (SignedRecord s : all) {
                if (!store.contains(Records.recordId(s))) {
                    missing++;
                }
            }
            assertEquals(1, missing);
            assertFalse(store.contains(Records.recordId(forged)));
        }
        // a second run finds nothing left to do
        Result again = run("node", "repair", "--data", dir.toString());
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains("index: consistent with the journal"), again.out());
        assertTrue(again.out().contains("no saved-aside journal entries"), again.out());
    }

    @Test
    void repairSaysWhatItFindsAboutADamagedEntry() throws Exception {
        ledgerWith(40);
        Path journal = dir.resolve("ledger.db.journal");
        byte[] bytes = Files.readAllBytes(journal);
        int at = putOffset(bytes, 12);
        bytes[at + 60] ^= 0x01;
        Files.write(journal, bytes);
        Result r = run("node", "repair", "--data", dir.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("1 damaged entry (checksum fails) at offset [" + at + "]"), r.out());
    }

    @Test
    void repairRefusesADataDirARunningNodeHolds() {
        ledgerWith(5);
        try (MapDbRecordStore running = MapDbRecordStore.open(dir.resolve("ledger.db"))) {
            Result r = run("node", "repair", "--data", dir.toString());
            assertEquals(1, r.status());
            assertTrue(r.err().contains("in use by a running node"), r.err());
            assertEquals("", r.out());
            assertEquals(6, running.count());
        }
    }
}
