package io.colony.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks of option values that picocli's types do not express: a bad value is a usage error (exit status 2). */
final class Usage {

    private Usage() {
    }

    /** A usage error of {@code spec}'s command. */
    static ParameterException error(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** {@code value} of {@code option} must be in {@code min..max}. */
    static long range(CommandSpec spec, String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw error(spec, option + " must be in " + min + ".." + max + ", not " + value);
        }
        return value;
    }
}
