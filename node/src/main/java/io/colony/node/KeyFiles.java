package io.colony.node;

import io.colony.protocol.Identity;
import io.colony.protocol.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Key files: one line with the 64 hex characters of an Ed25519 seed, readable by the owner only. */
public final class KeyFiles {

    private KeyFiles() {
    }

    /** Reads a key file. */
    public static Identity read(Path file) {
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

    /** Writes a new key file (mode 600 where supported); fails if it exists. */
    public static void write(Path file, Identity identity) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.createFile(file);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
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
}
