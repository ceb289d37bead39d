package io.colony.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The {@code --limit} of the commands that list processes or workflows. */
final class ListLimit {

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N (1..1000, default ${DEFAULT-VALUE}).")
    int value;

    /** The limit; a usage error of {@code spec}'s command if it is not in 1..1000. */
    int checked(CommandSpec spec) {
        return (int) Usage.range(spec, "--limit", value, 1, 1000);
    }
}
