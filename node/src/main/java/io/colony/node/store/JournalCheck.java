package io.colony.node.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.colony.protocol.Records;
import io.colony.protocol.pb.SignedRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Read-only checks of a record journal and of the files recovery saved aside, for {@code colony node
 * repair}. Nothing here changes a file.
 */
public final class JournalCheck {

    private JournalCheck() {
    }

    /**
     * What a journal holds.
     *
     * @param committedEntries   readable entries in committed groups (COMMIT entries included)
     * @param damaged            offsets of damaged entries that are skipped (their length is intact)
     * @param uncommittedBytes   bytes after the last COMMIT: a torn or uncommitted tail, or entries
     *                           unreachable behind a damaged length
     * @param lostCommitted      true if committed entries follow those bytes (a damaged length, not a torn
     *                           tail: opening the store saves them aside in a {@code .damaged-*} file)
     * @param records            ids (hex) of the records the committed entries leave in the store
     */
    public record Report(long committedEntries, List<Long> damaged, long uncommittedBytes, boolean lostCommitted,
                         Set<String> records) {
    }

    /**
     * Reads {@code journal}.
     *
     * @throws IOException with a readable message if the file is no journal or a running node holds it
     */
    public static Report check(Path journal) throws IOException {
        Set<String> live = new HashSet<>();
        RecordJournal.Scan scan = RecordJournal.scan(journal, (entries, end) -> {
            for (RecordJournal.Entry e : entries) {
                if (e.type() == RecordJournal.PUT) {
                    SignedRecord r = parseOrNull(e.payload());
                    if (r != null) {
                        live.add(io.colony.protocol.Hex.encode(Records.recordId(r)));
                    }
                } else if (e.type() == RecordJournal.DELETE) {
                    live.remove(io.colony.protocol.Hex.encode(e.payload()));
                }
            }
        });
        return new Report(scan.committedEntries(), scan.damaged(), scan.uncommittedBytes(), scan.committedAfterTail(),
                live);
    }

    /** True if a node holds {@code journal} (its lock is taken). */
    public static boolean inUse(Path journal) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(journal, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            var lock = RecordJournal.lockOrNull(ch);
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        }
    }

    /** The message for a journal that a running node holds. */
    public static String inUseMessage(Path journal) {
        return RecordJournal.inUse(journal);
    }

    /**
     * The stored records (PUT entries) that can still be read in a file of saved journal entries,
     * in file order; their signatures are not checked here.
     */
    public static List<SignedRecord> salvage(Path savedEntries) throws IOException {
        List<SignedRecord> out = new ArrayList<>();
        for (RecordJournal.Entry e : RecordJournal.salvage(Files.readAllBytes(savedEntries))) {
            if (e.type() == RecordJournal.PUT) {
                SignedRecord r = parseOrNull(e.payload());
                if (r != null) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    private static SignedRecord parseOrNull(byte[] payload) {
        try {
            return SignedRecord.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }
}
