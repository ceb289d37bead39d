package io.colony.node.ledger;

import io.colony.node.store.JournalCheck;
import io.colony.node.store.MapDbRecordStore;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Hex;
import io.colony.protocol.InvalidInputException;
import io.colony.protocol.Records;
import io.colony.protocol.pb.SignedRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Checks and repairs the ledger files of a stopped node ({@code colony node repair}): reads the
 * journal (entries readable, damaged, torn tail), compares the index with it, rebuilds the index from
 * the journal, and re-imports the records of every {@code NAME.journal.damaged-*} file that recovery
 * saved aside: each record's signature is verified and it goes through the ledger like a record from
 * a peer (so a record that breaks a rule is not kept). An imported file is renamed {@code *.imported}.
 */
public final class LedgerRepair {
    /** Suffix given to a saved-aside file once its records went back into the ledger. */
    public static final String IMPORTED = ".imported";

    private LedgerRepair() {
    }

    /**
     * Repairs the store {@code ledgerFile} (e.g. {@code DIR/ledger.db}) of colony {@code colonyId},
     * telling what it finds and does to {@code say}, one plain sentence per line.
     *
     * @return true if nothing is left to do by hand
     * @throws IOException if a file cannot be read or written, or a running node holds the journal
     *     (the message says so)
     */
    public static boolean repair(Path ledgerFile, byte[] colonyId, long nowMs, Consumer<String> say)
            throws IOException {
        Path journal = ledgerFile.resolveSibling(ledgerFile.getFileName() + ".journal");
        if (!Files.exists(journal)) {
            throw new IOException("there is no ledger journal " + journal + " (is this a node's data dir?)");
        }
        if (JournalCheck.inUse(journal)) {
            throw new IOException(JournalCheck.inUseMessage(journal));
        }
        JournalCheck.Report report = JournalCheck.check(journal);
        say.accept("journal " + journal.getFileName() + ": " + report.committedEntries() + " committed entries read, "
                + report.records().size() + " records in it");
        if (report.damaged().isEmpty()) {
            say.accept("journal: no damaged entry");
        } else {
            say.accept("journal: " + report.damaged().size() + " damaged entr" + (report.damaged().size() == 1 ? "y" : "ies")
                    + " (checksum fails) at offset " + report.damaged() + ": skipped, the entries after "
                    + (report.damaged().size() == 1 ? "it" : "them") + " are kept; peers give the lost records back by"
                    + " sync");
        }
        if (report.uncommittedBytes() > 0) {
            say.accept(report.lostCommitted()
                    ? "journal: a damaged entry hides the " + report.uncommittedBytes() + " bytes after it, committed"
                    + " records among them: they are saved aside and re-imported below"
                    : "journal: " + report.uncommittedBytes() + " bytes of torn or uncommitted tail (never acknowledged):"
                    + " cut");
        }
        boolean clean = true;
        try (MapDbRecordStore store = MapDbRecordStore.open(ledgerFile)) {
            Set<String> indexed = new HashSet<>();
            store.forEach(r -> indexed.add(Hex.encode(Records.recordId(r))));
            Set<String> missing = new HashSet<>(report.records());
            missing.removeAll(indexed);
            Set<String> extra = new HashSet<>(indexed);
            extra.removeAll(report.records());
            if (missing.isEmpty() && extra.isEmpty() && store.count() == indexed.size()) {
                say.accept("index: consistent with the journal (" + indexed.size() + " records)");
            } else {
                say.accept("index: not consistent with the journal: " + missing.size() + " records of the journal"
                        + " missing, " + extra.size() + " not in the journal, " + store.count() + " counted");
            }
        }
        Files.deleteIfExists(ledgerFile.resolveSibling(ledgerFile.getFileName() + ".checkpoint"));
        Files.deleteIfExists(ledgerFile);
        try (MapDbRecordStore store = MapDbRecordStore.open(ledgerFile)) {
            say.accept("index: rebuilt from the journal (" + store.count() + " records)");
            List<Path> saved = savedAside(journal);
            if (saved.isEmpty()) {
                say.accept("no saved-aside journal entries (" + journal.getFileName() + ".damaged-*) to re-import");
            }
            Ledger ledger = saved.isEmpty() ? null : new Ledger(colonyId, LedgerConfig.defaults(), store);
            for (Path file : saved) {
                clean &= reimport(file, ledger, nowMs, say);
            }
            say.accept("the store holds " + store.count() + " records" + (clean ? "; the node can be started"
                    : "; see above what is left"));
        }
        return clean;
    }

    private static List<Path> savedAside(Path journal) throws IOException {
        String prefix = journal.getFileName() + ".damaged-";
        List<Path> out = new ArrayList<>();
        try (var files = Files.list(journal.toAbsolutePath().getParent())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(prefix) && !name.endsWith(IMPORTED)) {
                    out.add(p);
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static boolean reimport(Path file, Ledger ledger, long nowMs, Consumer<String> say) throws IOException {
        List<SignedRecord> found = JournalCheck.salvage(file);
        List<DecodedRecord> authentic = new ArrayList<>();
        int forged = 0;
        for (SignedRecord r : found) {
            try {
                authentic.add(Records.open(r));
            } catch (InvalidInputException e) {
                forged++;
            }
        }
        ApplyResult result = ledger.applyVerified(authentic, nowMs);
        Map<Outcome.Status, Integer> counts = new TreeMap<>();
        Map<String, Integer> reasons = new TreeMap<>();
        for (Outcome o : result.outcomes()) {
            counts.merge(o.status(), 1, Integer::sum);
            if (!o.stored()) {
                reasons.merge(o.reason(), 1, Integer::sum);
            }
        }
        int imported = counts.getOrDefault(Outcome.Status.ACCEPTED, 0);
        int already = counts.getOrDefault(Outcome.Status.DUPLICATE, 0);
        int notKept = authentic.size() - imported - already;
        say.accept(file.getFileName() + ": " + found.size() + " records found, " + imported + " imported, " + already
                + " already in the ledger" + (forged > 0 ? ", " + forged + " with a bad signature (dropped)" : "")
                + (notKept > 0 ? ", " + notKept + " not kept: " + reasons : ""));
        Path done = file.resolveSibling(file.getFileName() + IMPORTED);
        Files.move(file, done, StandardCopyOption.REPLACE_EXISTING);
        say.accept(file.getFileName() + ": renamed " + done.getFileName() + " (delete it once the node runs well)");
        return true;
    }
}
