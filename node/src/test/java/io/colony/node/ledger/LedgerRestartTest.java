package io.colony.node.ledger;

import static io.colony.node.ledger.TestColony.T0;
import static io.colony.node.ledger.TestColony.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.colony.node.store.MapDbRecordStore;
import io.colony.protocol.Identity;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.SignedRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerRestartTest {
    @TempDir
    Path dir;

    @Test
    void ledgerIsRebuiltFromTheStore() {
        Identity owner = Identity.generate();
        Path file = dir.resolve("ledger.db");
        byte[] done;
        byte[] running;
        ProcessView before;
        try (MapDbRecordStore store = MapDbRecordStore.open(file)) {
            TestColony c = new TestColony(owner, store);
            RecordFactory ex = c.member("ex");
            SignedRecord s1 = c.owner.submit(T0 + 1, spec(0));
            SignedRecord s2 = c.owner.submit(T0 + 2, spec(3));
            done = Records.recordId(s1);
            running = Records.recordId(s2);
            c.ledger.applyAll(List.of(s1, s2, ex.claim(T0 + 3, done, 1, "ex", "cli", T0 + 10_000),
                    ex.close(T0 + 4, done, 1, true, List.of("out"), List.of()),
                    ex.claim(T0 + 5, running, 1, "ex", "cli", T0 + 10_000),
                    ex.log(T0 + 6, running, 1, 0, List.of("hello"))), c.now);
            before = c.view(running);
        }
        try (MapDbRecordStore store = MapDbRecordStore.open(file)) {
            TestColony c = new TestColony(owner, store);
            assertEquals(ProcessState.SUCCESS, c.view(done).state());
            assertEquals(List.of("out"), c.view(done).output());
            assertEquals(before, c.view(running));
            assertEquals(List.of("hello"), c.ledger.logs(running).lines());
            assertEquals(1L, c.ledger.counts().get(ProcessState.RUNNING));
            assertEquals(0, c.ledger.claimable("cli", "x", c.now).size());
        }
    }
}
