package io.colony.cli;

import java.util.function.Predicate;
import picocli.CommandLine.Option;

/** Log options of commands that run a node. */
final class LogOptions {

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "Level of the node's log: error, warn, info, debug, trace (default ${DEFAULT-VALUE}).")
    String level;
    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Log format on stderr: text, or json (one object per line) (default ${DEFAULT-VALUE}).")
    String format;

    /** Takes values from the environment or config file for the flags not given. */
    void fill(NodeSettings s, Predicate<String> flagGiven) {
        s.override(NodeSettings.Key.LOG_LEVEL, flagGiven, NodeSettings.oneOf("error", "warn", "info", "debug", "trace"))
                .ifPresent(v -> level = v);
        s.override(NodeSettings.Key.LOG_FORMAT, flagGiven, NodeSettings.oneOf("text", "json")).ifPresent(v -> format = v);
    }

    /** Configures logging. */
    void apply() {
        String l = NodeSettings.oneOf("error", "warn", "info", "debug", "trace").parse(level);
        String f = NodeSettings.oneOf("text", "json").parse(format);
        Logging.configure(l, f);
    }
}
