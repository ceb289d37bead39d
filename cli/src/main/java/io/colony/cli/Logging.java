package io.colony.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Log levels: client commands stay quiet (WARN), node commands log INFO. */
final class Logging {

    private Logging() {
    }

    /** Switches the project's loggers to INFO (for commands that run a node). */
    static void nodeLevel() {
        if (LoggerFactory.getLogger("io.colony") instanceof Logger l) {
            l.setLevel(Level.INFO);
        }
    }
}
