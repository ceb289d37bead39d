package io.colony.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * Log levels and format: client commands stay quiet (WARN), node commands log INFO on stderr as text
 * or, with {@code --log-format json}, one JSON object per line. A full logback configuration can
 * replace the built-in one with {@code -Dlogback.configurationFile=FILE}.
 */
final class Logging {

    private Logging() {
    }

    /** Switches the project's loggers to INFO (for commands that run a node). */
    static void nodeLevel() {
        configure("info", "text");
    }

    /**
     * Sets the level of the project's loggers and the format of the console log.
     *
     * @param level  error, warn, info, debug or trace
     * @param format text or json
     */
    static void configure(String level, String format) {
        if (LoggerFactory.getLogger("io.colony") instanceof Logger l) {
            l.setLevel(Level.toLevel(level, Level.INFO));
        }
        if ("json".equals(format) && LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            Appender<ILoggingEvent> a = ctx.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
            if (a instanceof ConsoleAppender<ILoggingEvent> console) {
                JsonEncoder json = new JsonEncoder();
                json.setContext(ctx);
                json.setWithFormattedMessage(true);
                json.setWithMessage(false);
                json.setWithArguments(false);
                json.setWithContext(false);
                json.setWithSequenceNumber(false);
                json.setWithNanoseconds(false);
                json.start();
                console.stop();
                console.setEncoder(json);
                console.start();
            }
        }
    }
}
