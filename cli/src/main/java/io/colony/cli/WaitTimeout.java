package io.colony.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The {@code --timeout} of the commands that wait for a process or a workflow to end. */
final class WaitTimeout {

    /** The longest wait allowed: 30 days. */
    static final long MAX_SECONDS = 30L * 86_400;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600",
            description = "Give up waiting after this many seconds (exit status 3; default ${DEFAULT-VALUE}).")
    long seconds;

    /** The timeout in seconds; a usage error of {@code spec}'s command if it is not in 1 s..30 days. */
    long checked(CommandSpec spec) {
        return Usage.range(spec, "--timeout", seconds, 1, MAX_SECONDS);
    }
}
