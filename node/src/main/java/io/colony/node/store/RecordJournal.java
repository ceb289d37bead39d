package io.colony.node.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Append-only journal of store writes: the durable truth under {@link MapDbRecordStore}. Each entry
 * is {@code length (4) || crc32c (4) || type (1) || payload}, where the CRC covers type and payload.
 * A {@link #commit()} appends a COMMIT entry and forces the file to disk: entries after the last
 * COMMIT were never acknowledged and are cut off by {@link #recover}. A torn or corrupt tail (a crash
 * in the middle of a write) ends recovery the same way.
 *
 * <p><b>Damage.</b> An entry whose length field is intact (the next entry starts right after it) but
 * whose CRC fails is skipped and reported ({@link #damaged()}): the entries after it are kept. When
 * the length itself is damaged, the entries after it cannot be found: if committed entries follow,
 * the rest of the file is saved aside ({@code NAME.damaged-OFFSET}, re-imported by
 * {@code colony node repair}) and cut.
 *
 * <p>The journal holds an exclusive lock on its file while open: a second node on the same data dir
 * (or {@code colony node repair} while a node runs) is refused.
 */
final class RecordJournal implements AutoCloseable {
    static final byte PUT = 1;
    static final byte DELETE = 2;
    static final byte COMMIT = 3;

    private static final byte[] MAGIC = "COLONYJ1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final long START = MAGIC.length;
    private static final int HEADER = 8;
    /** Longest entry accepted on read; a longer length field is a corrupt tail. */
    static final int MAX_ENTRY = 1 << 20;

    /** One journal entry: its type, payload and the file offset it starts at. */
    record Entry(byte type, byte[] payload, long offset) {
    }

    private final Path file;
    private final FileChannel channel;
    private long end;
    private long committedEnd;
    private Path savedTail;
    private final CRC32C crc = new CRC32C();
    private final List<Long> damaged = new ArrayList<>();
    private final java.nio.channels.FileLock lock;

    private RecordJournal(Path file, FileChannel channel, long end, java.nio.channels.FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.end = end;
        this.committedEnd = end;
        this.lock = lock;
    }

    /** Opens the journal, creating it with its header if absent. Call {@link #recover} before appending. */
    static RecordJournal open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            java.nio.channels.FileLock lock = lockOrNull(ch);
            if (lock == null) {
                throw new IOException(inUse(file));
            }
            if (ch.size() < START) {
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(MAGIC), 0);
                ch.force(true);
            } else {
                ByteBuffer m = ByteBuffer.allocate(MAGIC.length);
                ch.read(m, 0);
                if (!java.util.Arrays.equals(m.array(), MAGIC)) {
                    throw new IOException("not a colony record journal: " + file);
                }
            }
            return new RecordJournal(file, ch, ch.size(), lock);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The exclusive lock of {@code ch}, or null if another program (or this one) holds it. */
    static java.nio.channels.FileLock lockOrNull(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return null;
        }
    }

    /** The message for a journal locked by someone else. */
    static String inUse(Path file) {
        return "the journal " + file.getFileName() + " is in use by a running node (it holds the file's lock): stop"
                + " that node first";
    }

    /**
     * Offsets of the damaged entries (intact length, failing CRC) that the last {@link #recover} skipped,
     * and of entries found damaged since by {@link #payloadOrNull}.
     */
    List<Long> damaged() {
        return List.copyOf(damaged);
    }

    /**
     * Reads committed entries from {@code from} on, giving each committed group (the entries up to
     * and including a COMMIT) to {@code sink}, then cuts the file after the last COMMIT.
     *
     * @return the number of bytes cut off (an uncommitted or torn tail)
     */
    long recover(long from, GroupSink sink) throws IOException {
        long size = channel.size();
        long[] ends = readGroups(from, size, sink);
        long pos = ends[0];
        long lastCommit = ends[1];
        damaged.removeIf(at -> at >= lastCommit); // inside the uncommitted tail, which is cut anyway
        long cut = size - lastCommit;
        if (cut > 0) {
            if (commitAfter(pos + 1, size)) {
                // not a torn tail: a damaged entry with committed records after it; keep them aside
                savedTail = file.resolveSibling(file.getFileName() + ".damaged-" + lastCommit);
                try (FileChannel out = FileChannel.open(savedTail, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    channel.transferTo(lastCommit, cut, out);
                    out.force(true);
                }
            }
            channel.truncate(lastCommit);
            channel.force(true);
        }
        end = lastCommit;
        committedEnd = lastCommit;
        return cut;
    }

    /**
     * Gives each committed group from {@code from} on to {@code sink}, skipping damaged entries (added to
     * {@link #damaged()}); returns {where reading stopped, the end of the last COMMIT}.
     */
    private long[] readGroups(long from, long size, GroupSink sink) throws IOException {
        long pos = Math.max(from, START);
        long lastCommit = pos;
        List<Entry> group = new ArrayList<>();
        while (true) {
            Entry e = readAt(pos, size);
            if (e == null) {
                long next = skippable(pos, size);
                if (next < 0) {
                    break;
                }
                damaged.add(pos);
                pos = next;
                continue;
            }
            pos += HEADER + 1 + e.payload().length;
            if (e.type() == COMMIT) {
                sink.accept(group, pos);
                group = new ArrayList<>();
                lastCommit = pos;
            } else {
                group.add(e);
            }
        }
        return new long[] {pos, lastCommit};
    }

    /** What {@link #scan} found in a journal file, which it does not change. */
    record Scan(long committedEntries, List<Long> damaged, long uncommittedBytes, boolean committedAfterTail) {
    }

    /**
     * Reads a journal without changing it: committed groups go to {@code sink}; fails with a clear
     * message if a node holds the file (see the class comment).
     */
    static Scan scan(Path file, GroupSink sink) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock lock = lockOrNull(ch);
            if (lock == null) {
                throw new IOException(inUse(file));
            }
            ByteBuffer m = ByteBuffer.allocate(MAGIC.length);
            ch.read(m, 0);
            if (!java.util.Arrays.equals(m.array(), MAGIC)) {
                throw new IOException("not a colony record journal: " + file);
            }
            RecordJournal j = new RecordJournal(file, ch, ch.size(), lock);
            long size = ch.size();
            long[] entries = {0};
            long[] ends = j.readGroups(START, size, (group, end) -> {
                entries[0] += group.size() + 1;
                sink.accept(group, end);
            });
            boolean committedAfter = ends[1] < size && j.commitAfter(ends[0] + 1, size);
            j.damaged.removeIf(at -> at >= ends[1]);
            lock.release();
            return new Scan(entries[0], j.damaged(), size - ends[1], committedAfter);
        }
    }

    /**
     * The entries that can be read anywhere in {@code bytes} (e.g. a {@code .damaged-*} file, whose first
     * entry is damaged): from each offset on, the first place where a whole entry with a valid checksum
     * starts, and on from its end.
     */
    static List<Entry> salvage(byte[] bytes) {
        List<Entry> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int pos = 0;
        while (pos + HEADER + 1 <= bytes.length) {
            int len = b.getInt(pos);
            if (len >= 1 && len <= MAX_ENTRY && pos + HEADER + (long) len <= bytes.length) {
                CRC32C c = new CRC32C();
                c.update(bytes, pos + HEADER, len);
                if ((int) c.getValue() == b.getInt(pos + 4)) {
                    out.add(new Entry(bytes[pos + HEADER],
                            java.util.Arrays.copyOfRange(bytes, pos + HEADER + 1, pos + HEADER + len), pos));
                    pos += HEADER + len;
                    continue;
                }
            }
            pos++;
        }
        return out;
    }

    /**
     * Where {@link #recover} saved the entries it cut off because committed records followed a damaged
     * one (not a torn tail), or null.
     */
    Path savedTail() {
        return savedTail;
    }

    /**
     * For an unreadable entry at {@code pos}: where the next entry starts if only this entry's content
     * is damaged (its length is plausible and a valid entry starts right after it), else -1 (a torn
     * tail, or a damaged length).
     */
    private long skippable(long pos, long size) throws IOException {
        if (pos + HEADER + 1 > size) {
            return -1;
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        readFully(h, pos);
        int len = h.getInt(0);
        if (len < 1 || len > MAX_ENTRY || pos + HEADER + len > size) {
            return -1;
        }
        long next = pos + HEADER + len;
        return readAt(next, size) != null ? next : -1;
    }

    /** True if a COMMIT entry (always the same 9 bytes) starts anywhere in [from, size). */
    private boolean commitAfter(long from, long size) throws IOException {
        byte[] commit = commitEntry();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long at = from;
        while (at + commit.length <= size) {
            buf.clear();
            int n = channel.read(buf, at);
            if (n < commit.length) {
                return false;
            }
            byte[] a = buf.array();
            for (int i = 0; i + commit.length <= n; i++) {
                if (java.util.Arrays.equals(a, i, i + commit.length, commit, 0, commit.length)) {
                    return true;
                }
            }
            at += n - commit.length + 1;
        }
        return false;
    }

    private static byte[] commitEntry() {
        CRC32C c = new CRC32C();
        c.update(COMMIT);
        return ByteBuffer.allocate(HEADER + 1).putInt(1).putInt((int) c.getValue()).put(COMMIT).array();
    }

    /** Receives committed groups during recovery. */
    interface GroupSink {
        void accept(List<Entry> entries, long endOffset) throws IOException;
    }

    /** Appends an entry (not yet durable); returns its offset. */
    long append(byte type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + 1 + payload.length);
        crc.reset();
        crc.update(type);
        crc.update(payload);
        b.putInt(1 + payload.length).putInt((int) crc.getValue()).put(type).put(payload).flip();
        long at = end;
        try {
            while (b.hasRemaining()) {
                channel.write(b, end + b.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write journal " + file, e);
        }
        end += b.limit();
        return at;
    }

    /** Appends a COMMIT entry and forces everything to disk; returns the committed length. */
    long commit() {
        if (end == committedEnd) {
            return committedEnd;
        }
        append(COMMIT, new byte[0]);
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync journal " + file, e);
        }
        committedEnd = end;
        return committedEnd;
    }

    /** Drops entries appended since the last commit. */
    void rollback() {
        if (end != committedEnd) {
            try {
                channel.truncate(committedEnd);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot truncate journal " + file, e);
            }
            end = committedEnd;
        }
    }

    /** True if entries were appended since the last commit. */
    boolean dirty() {
        return end != committedEnd;
    }

    long committedEnd() {
        return committedEnd;
    }

    /**
     * The payload of the entry at {@code offset}, checked against its CRC, or null if the entry is
     * damaged (it is then added to {@link #damaged()}).
     */
    byte[] payloadOrNull(long offset) {
        try {
            Entry e = readAt(offset, end);
            if (e == null) {
                if (!damaged.contains(offset)) {
                    damaged.add(offset);
                }
                return null;
            }
            return e.payload();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read journal " + file, ex);
        }
    }

    /** The payload of the entry at {@code offset}, checked against its CRC. */
    byte[] payloadAt(long offset) {
        try {
            Entry e = readAt(offset, end);
            if (e == null) {
                throw new IllegalStateException("corrupt journal entry at " + offset + " in " + file);
            }
            return e.payload();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read journal " + file, ex);
        }
    }

    /** The entry at pos, or null at the end of the file or at a torn/corrupt entry. */
    private Entry readAt(long pos, long size) throws IOException {
        if (pos + HEADER + 1 > size) {
            return null;
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        readFully(h, pos);
        int len = h.getInt(0);
        int sum = h.getInt(4);
        if (len < 1 || len > MAX_ENTRY || pos + HEADER + len > size) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(len);
        readFully(body, pos + HEADER);
        byte[] all = body.array();
        CRC32C c = new CRC32C();
        c.update(all, 0, len);
        if ((int) c.getValue() != sum) {
            return null;
        }
        return new Entry(all[0], java.util.Arrays.copyOfRange(all, 1, len), pos);
    }

    private void readFully(ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b, pos + b.position()) < 0) {
                throw new IOException("unexpected end of journal " + file);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        } finally {
            channel.close();
        }
    }
}
