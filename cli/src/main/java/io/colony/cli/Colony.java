package io.colony.cli;

import io.colony.sdk.ColonyException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * The entry point of colony.jar: runs the quick read commands ({@link QuickRead}) without touching
 * picocli, and every other command line through {@link Main}. Holds no picocli code itself, so that
 * loading it loads no picocli class.
 */
public final class Colony {

    private Colony() {
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.setProperty(Main.MAIN_MS_PROPERTY, Long.toString(System.currentTimeMillis()));
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int status = QuickRead.run(out, err, System.getenv(), args);
        if (status < 0) {
            status = Main.withPicocli(out, err, args);
        }
        System.exit(status);
    }

    /** The one line shown for a failed command. */
    static String message(Exception e) {
        if (e instanceof ColonyException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof UncheckedIOException || e instanceof TimedOutException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
