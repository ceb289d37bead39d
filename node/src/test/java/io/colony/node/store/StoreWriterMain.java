package io.colony.node.store;

import io.colony.protocol.DecodedRecord;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.Records;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of the crash test: writes batches of deterministic records to a MapDB store forever,
 * continuing after the records already there ({@code START n}), printing {@code ACK n} after each
 * commit (n = records acknowledged so far), until it is killed.
 */
public final class StoreWriterMain {
    static final int BATCH = 50;
    static final Identity SIGNER = Identity.fromSeed(new byte[32]);

    private StoreWriterMain() {
    }

    /** Record number {@code i}: the same bytes in every run. */
    static DecodedRecord record(int i) {
        byte[] nonce = ByteBuffer.allocate(Records.NONCE_BYTES).putInt(i).array();
        return Records.decode(Records.sign(SIGNER, Records.submit(SIGNER.publicKey(), 1_000 + i,
                FunctionSpec.of("cli", "echo", "record " + i), nonce)));
    }

    public static void main(String[] args) {
        long checkpointEvery = args.length > 1 ? Long.parseLong(args[1]) : MapDbRecordStore.CHECKPOINT_ENTRIES;
        try (MapDbRecordStore store = MapDbRecordStore.open(Path.of(args[0]), checkpointEvery)) {
            int n = (int) store.count();
            System.out.println("START " + n);
            System.out.flush();
            for (; ; ) {
                List<DecodedRecord> batch = new ArrayList<>(BATCH);
                for (int i = 0; i < BATCH; i++) {
                    batch.add(record(n + i));
                }
                store.putAll(batch);
                n += BATCH;
                System.out.println("ACK " + n);
                System.out.flush();
            }
        }
    }
}
