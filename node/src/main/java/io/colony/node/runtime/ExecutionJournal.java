package io.colony.node.runtime;

import io.colony.protocol.Hex;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor's own record of what it ran: an append-only text file in the data dir, one line per
 * start and per end of a run, independent of the ledger. Chaos checks merge the journals of all
 * nodes to prove that no process ran on two executors at once.
 *
 * <p>Line format (space separated): {@code start <processId> <attempt> <epochMs> <executorPid>} and
 * {@code end <processId> <attempt> <epochMs> <executorPid> <outcome>}, where {@code executorPid} is
 * the pid of the node's JVM (it tells the incarnations of a restarted node apart) and
 * {@code outcome} is {@code success} or {@code failed}.
 *
 * <p>A start is written, in one {@code write} call, <em>before</em> the child program is spawned, and
 * an end only after the program has exited: the journaled interval always covers the real one. The
 * bytes reach the operating system at once (no user-space buffer), so a SIGKILL of the JVM cannot
 * hide a start; a power loss can (there is no fsync). Write errors are logged, never thrown: the
 * journal must not stop the executor.
 */
public final class ExecutionJournal implements AutoCloseable {

    /** File name of the journal in a node's data dir. */
    public static final String FILE_NAME = "executions.log";
    /** Longest line accepted when reading (longer lines are torn or foreign and skipped). */
    private static final int MAX_LINE_CHARS = 512;
    private static final Logger log = LoggerFactory.getLogger(ExecutionJournal.class);
    private static final ExecutionJournal NONE = new ExecutionJournal(null, 0);

    private final FileOutputStream out;
    private boolean closed;
    private final long executorPid;

    /** What happened to a run: its start, or its end. */
    public enum Kind { START, END }

    /**
     * One journal line.
     *
     * @param kind        start or end
     * @param processId   process id (64 hex)
     * @param attempt     the attempt number of the run
     * @param timeMs      wall-clock epoch ms
     * @param executorPid pid of the node JVM that ran it
     * @param success     for ends: true if the run succeeded
     */
    public record Entry(Kind kind, String processId, int attempt, long timeMs, long executorPid, boolean success) {

        /** The line as written to the file (without newline). */
        public String line() {
            String base = kind.name().toLowerCase(Locale.ROOT) + " " + processId + " " + attempt + " " + timeMs + " "
                    + executorPid;
            return kind == Kind.START ? base : base + " " + (success ? "success" : "failed");
        }

        /** Parses a line; {@code null} if it is not a well-formed journal line (e.g. torn by a kill). */
        public static Entry parse(String line) {
            if (line.length() > MAX_LINE_CHARS) {
                return null;
            }
            String[] f = line.trim().split(" ");
            try {
                if (f.length == 5 && f[0].equals("start")) {
                    return new Entry(Kind.START, f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]),
                            Long.parseLong(f[4]), false);
                }
                if (f.length == 6 && f[0].equals("end") && (f[5].equals("success") || f[5].equals("failed"))) {
                    return new Entry(Kind.END, f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]),
                            Long.parseLong(f[4]), f[5].equals("success"));
                }
            } catch (NumberFormatException e) {
                return null;
            }
            return null;
        }
    }

    private ExecutionJournal(FileOutputStream out, long executorPid) {
        this.out = out;
        this.executorPid = executorPid;
    }

    /** A journal that writes nothing. */
    public static ExecutionJournal none() {
        return NONE;
    }

    /**
     * Opens (creating if needed) the journal {@link #FILE_NAME} in {@code dataDir} for appending.
     *
     * @throws UncheckedIOException if the file cannot be opened
     */
    public static ExecutionJournal open(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dataDir);
            // a plain append-mode stream: unbuffered, and unlike a FileChannel not closed by an interrupt
            return new ExecutionJournal(new FileOutputStream(file.toFile(), true), ProcessHandle.current().pid());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the execution journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Journals the start of a run; call before the program is spawned. */
    public void started(byte[] processId, int attempt, long timeMs) {
        write(new Entry(Kind.START, Hex.encode(processId), attempt, timeMs, executorPid, false));
    }

    /** Journals the end of a run; call after the program exited. */
    public void ended(byte[] processId, int attempt, long timeMs, boolean success) {
        write(new Entry(Kind.END, Hex.encode(processId), attempt, timeMs, executorPid, success));
    }

    private void write(Entry e) {
        if (out == null) {
            return;
        }
        byte[] line = (e.line() + "\n").getBytes(StandardCharsets.US_ASCII);
        synchronized (this) {
            if (closed) {
                log.debug("execution journal closed: {} not written", e.line());
                return;
            }
            try {
                out.write(line);
            } catch (IOException ex) {
                log.warn("execution journal: cannot write {}: {}", e.line(), ex.toString());
            }
        }
    }

    /**
     * Reads a journal file; malformed lines (a line torn by a kill) are skipped. A missing file reads
     * as empty.
     *
     * @throws UncheckedIOException if the file exists but cannot be read
     */
    public static List<Entry> read(Path file) {
        List<Entry> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                Entry e = Entry.parse(line);
                if (e != null) {
                    out.add(e);
                }
            }
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Closes the file. Idempotent. */
    @Override
    public synchronized void close() {
        if (out == null || closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            log.warn("closing the execution journal: {}", e.toString());
        }
    }
}
