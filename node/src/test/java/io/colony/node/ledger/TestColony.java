package io.colony.node.ledger;

import io.colony.node.store.MemoryRecordStore;
import io.colony.node.store.RecordStore;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;

/** A colony with an owner, a ledger over a memory store, and a settable clock, for tests. */
final class TestColony {
    static final long T0 = 1_700_000_000_000L;
    final Identity ownerId;
    final byte[] colony;
    final RecordFactory owner;
    final RecordStore store;
    final Ledger ledger;
    long now = T0 + 1_000_000;

    TestColony() {
        this(Identity.generate(), new MemoryRecordStore());
    }

    TestColony(Identity ownerId, RecordStore store) {
        this.ownerId = ownerId;
        this.colony = ownerId.publicKey();
        this.owner = new RecordFactory(ownerId, colony);
        this.store = store;
        this.ledger = new Ledger(colony, LedgerConfig.defaults(), store);
    }

    /** A new member admitted at T0. */
    RecordFactory member(String name) {
        Identity id = Identity.generate();
        apply(owner.admit(T0, id.publicKey(), Role.NODE, name, 0));
        return new RecordFactory(id, colony);
    }

    /** A new member admitted at T0 with role USER (submits, cancels, crons and generators). */
    RecordFactory user(String name) {
        Identity id = Identity.generate();
        apply(owner.admit(T0, id.publicKey(), Role.USER, name, 0));
        return new RecordFactory(id, colony);
    }

    /** A new member admitted at T0 with role EXECUTOR. */
    RecordFactory executor(String name) {
        Identity id = Identity.generate();
        apply(owner.admit(T0, id.publicKey(), Role.EXECUTOR, name, 0));
        return new RecordFactory(id, colony);
    }

    Outcome apply(SignedRecord r) {
        return ledger.apply(r, now).outcome();
    }

    Outcome.Status status(SignedRecord r) {
        return apply(r).status();
    }

    ProcessView view(byte[] pid) {
        return ledger.get(pid).orElseThrow();
    }

    static FunctionSpec spec(int retries) {
        return FunctionSpec.of("cli", "echo", "hi").withLimits(0, 0, retries);
    }
}
