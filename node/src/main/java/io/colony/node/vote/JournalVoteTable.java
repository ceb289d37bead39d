package io.colony.node.vote;

import io.colony.protocol.Hex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A durable {@link VoteTable}: an append-only file of fixed-size entries, each followed by its CRC-32;
 * {@link #put} writes and forces the file to disk before returning. Opening reads the whole file (the
 * last entry of a process wins) and cuts off a torn or damaged tail (a write the machine did not finish),
 * which was never answered. One writer per file.
 */
public final class JournalVoteTable implements VoteTable {
    private static final int FRAME = VoteEntry.BYTES + 4;
    private final FileChannel file;
    private final Map<String, VoteEntry> entries = new HashMap<>();

    private JournalVoteTable(FileChannel file) {
        this.file = file;
    }

    /** Opens (or creates) the journal at {@code path}. */
    public static JournalVoteTable open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        JournalVoteTable t = new JournalVoteTable(ch);
        try {
            t.load();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return t;
    }

    private void load() throws IOException {
        long size = file.size();
        long good = 0;
        ByteBuffer frame = ByteBuffer.allocate(FRAME);
        while (good + FRAME <= size) {
            frame.clear();
            while (frame.hasRemaining()) {
                if (file.read(frame, good + frame.position()) < 0) {
                    break;
                }
            }
            if (frame.hasRemaining()) {
                break;
            }
            frame.flip();
            byte[] body = new byte[VoteEntry.BYTES];
            frame.get(body);
            int crc = frame.getInt();
            if (crc != crc(body)) {
                break;
            }
            VoteEntry e = decode(body);
            entries.put(Hex.encode(e.processId()), e);
            good += FRAME;
        }
        if (good < size) {
            file.truncate(good);
            file.force(true);
        }
        file.position(good);
    }

    @Override
    public synchronized VoteEntry get(byte[] processId) {
        return entries.get(Hex.encode(processId));
    }

    @Override
    public synchronized void put(VoteEntry entry) throws IOException {
        byte[] body = encode(entry);
        ByteBuffer b = ByteBuffer.allocate(FRAME).put(body).putInt(crc(body));
        b.flip();
        while (b.hasRemaining()) {
            file.write(b);
        }
        file.force(false);
        entries.put(Hex.encode(entry.processId()), entry);
    }

    @Override
    public synchronized int size() {
        return entries.size();
    }

    @Override
    public synchronized void close() throws IOException {
        file.close();
    }

    private static byte[] encode(VoteEntry e) {
        return ByteBuffer.allocate(VoteEntry.BYTES).put(e.processId()).putInt(e.attempt()).put(e.claimId())
                .putLong(e.claimLeaseUntil()).putLong(e.grantedUntil()).array();
    }

    private static VoteEntry decode(byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body);
        byte[] pid = new byte[32];
        b.get(pid);
        int attempt = b.getInt();
        byte[] claim = new byte[32];
        b.get(claim);
        return new VoteEntry(pid, attempt, claim, b.getLong(), b.getLong());
    }

    private static int crc(byte[] body) {
        CRC32 c = new CRC32();
        c.update(body);
        return (int) c.getValue();
    }
}
