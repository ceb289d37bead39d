package io.colony.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a data dir: the file {@code colony.lock} in it, locked with
 * {@link FileChannel#tryLock()} and holding the PID of the process that holds it. The operating system
 * releases the lock when that process ends, however it ends, so a stale lock file never blocks a start.
 * Only one node (one process) may use a data dir at a time: two would write the same ledger files with
 * the same node key.
 */
public final class DataDirLock implements AutoCloseable {

    /** Name of the lock file in a data dir. */
    public static final String FILE = "colony.lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (created if missing) for this process.
     *
     * @throws IllegalStateException with one line naming the PID that holds the lock if another process
     *     (or another lock in this process) holds it, or if the lock file cannot be opened
     */
    public static DataDirLock acquire(Path dir) {
        Path file = dir.resolve(FILE);
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = readPid(file);
                ch.close();
                throw new IllegalStateException("data dir " + dir + " is in use by "
                        + (holder.isEmpty() ? "another process" : "process " + holder)
                        + " (one node per data dir: stop it first, or use another --data dir)");
            }
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(pid), 0);
            ch.force(false);
            return new DataDirLock(file, ch, lock);
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw new IllegalStateException("cannot lock data dir " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The PID written in a lock file, or "" if unreadable. */
    private static String readPid(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return s.matches("\\d{1,19}") ? s : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** Releases the lock (the file stays; the next holder overwrites its PID). */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            // the OS releases it with the process anyway
        }
    }
}
