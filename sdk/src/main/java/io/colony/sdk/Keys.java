package io.colony.sdk;

import io.colony.protocol.Identity;
import io.colony.protocol.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loading member keys: 64 hex characters of an Ed25519 seed, given inline or in a file. */
public final class Keys {

    private Keys() {
    }

    /**
     * A key from its hex text, or from a file holding it when {@code hexOrFile} is not 64 hex characters.
     *
     * @throws IllegalArgumentException with one readable line if neither works
     */
    public static Identity load(String hexOrFile) {
        if (hexOrFile == null || hexOrFile.isBlank()) {
            throw new IllegalArgumentException("no private key given (use --key or COLONY_PRVKEY)");
        }
        String s = hexOrFile.trim();
        if (s.matches("[0-9a-fA-F]{64}")) {
            return Identity.parse(s);
        }
        return fromFile(Path.of(s));
    }

    /** A key from a file holding its hex text. */
    public static Identity fromFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("private key is neither 64 hex characters nor a readable file: "
                    + file);
        }
        try {
            return Identity.parse(text);
        } catch (InvalidInputException e) {
            throw new IllegalArgumentException("key file " + file + ": " + e.getMessage());
        }
    }
}
