package io.colony.node;

import io.colony.protocol.Identity;
import io.colony.protocol.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key files: one line with the 64 hex characters of an Ed25519 seed, readable by the owner only
 * (mode 0600) in a directory only its owner can enter (mode 0700). A key file found wider when read,
 * or a node's data dir found wider (e.g. made by an older version or by hand), is narrowed with a
 * warning if this user owns it; otherwise only the warning is logged.
 */
public final class KeyFiles {

    private static final Logger log = LoggerFactory.getLogger(KeyFiles.class);
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final int STICKY = 01000;

    private KeyFiles() {
    }

    /** Reads a key file (narrowing its mode to 0600 first if it is wider, see the class comment). */
    public static Identity read(Path file) {
        narrow(file, FILE_MODE, "key file");
        try {
            return Identity.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read key file " + file, e);
        } catch (InvalidInputException e) {
            throw new IllegalStateException("key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a key file, creating it with a fresh key first if it does not exist. */
    public static Identity readOrCreate(Path file) {
        if (!Files.exists(file)) {
            try {
                write(file, Identity.generate());
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof FileAlreadyExistsException)) {
                    throw e;
                }
            }
        }
        return read(file);
    }

    /**
     * A key file in a node's data dir: secures the data dir (see {@link #secureDir(Path)}), then
     * {@link #readOrCreate(Path)}.
     */
    public static Identity readOrCreateInDataDir(Path file) {
        secureDir(file.toAbsolutePath().getParent());
        return readOrCreate(file);
    }

    /**
     * Writes a new key file (mode 0600 from its creation; missing directories are created with mode
     * 0700, existing ones are left as they are); fails if it exists.
     */
    public static void write(Path file, Identity identity) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(parent)) {
                secureDir(parent);
            }
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_MODE));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, identity.privateKeyHex() + "\n", StandardCharsets.UTF_8);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new UncheckedIOException("key file " + file + " exists (a key file is never overwritten: remove it"
                    + " or choose another file)", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new UncheckedIOException("cannot write key file " + file + ": permission denied", e);
        } catch (java.nio.file.FileSystemException e) {
            throw new UncheckedIOException("cannot write key file " + file + ": "
                    + (e.getReason() != null ? e.getReason() : "file system error"), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write key file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates {@code dir} (and its parents) if missing, new directories with mode 0700, and narrows
     * an existing {@code dir} wider than 0700 (unless another user owns it or it is sticky, like
     * {@code /tmp}: then it only warns).
     */
    public static void secureDir(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                try {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
                } catch (UnsupportedOperationException notPosix) {
                    Files.createDirectories(dir);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir + ": " + e.getMessage(), e);
        }
        narrow(dir, DIR_MODE, "data dir");
    }

    private static void narrow(Path path, Set<PosixFilePermission> mode, String what) {
        Set<PosixFilePermission> now;
        int unixMode;
        boolean ours;
        try {
            now = Files.getPosixFilePermissions(path);
            unixMode = ((Number) Files.getAttribute(path, "unix:mode")).intValue();
            Object owner = Files.getAttribute(path, "unix:uid");
            Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            ours = owner.equals(self);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return; // not a POSIX file system, or no /proc: nothing to check
        }
        if (mode.containsAll(now)) {
            return;
        }
        String was = PosixFilePermissions.toString(now);
        if (!ours || (unixMode & STICKY) != 0) {
            log.warn("{} {} is accessible by other users ({}); it should be {}", what, path, was,
                    PosixFilePermissions.toString(mode));
            return;
        }
        try {
            Set<PosixFilePermission> narrowed = java.util.EnumSet.noneOf(PosixFilePermission.class);
            narrowed.addAll(now);
            narrowed.retainAll(mode);
            Files.setPosixFilePermissions(path, narrowed);
            log.warn("{} {} was accessible by other users ({}); now {}", what, path, was,
                    PosixFilePermissions.toString(narrowed));
        } catch (IOException e) {
            log.warn("{} {} is accessible by other users ({}) and cannot be narrowed: {}", what, path, was,
                    e.getMessage());
        }
    }
}
