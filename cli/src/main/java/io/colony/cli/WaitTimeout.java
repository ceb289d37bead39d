package io.colony.cli;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The {@code --timeout} of the commands that wait for a process or a workflow to end. */
final class WaitTimeout {

    /** The longest wait allowed: 30 days. */
    static final long MAX_SECONDS = 30L * 86_400;

    @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "1h", converter = DurationConverter.class,
            description = "Give up waiting after this long: 90s, 5m, 1h, 2d; a bare number is seconds"
                    + " (exit status 3; default ${DEFAULT-VALUE}).")
    Duration timeout;

    /** The timeout in seconds; a usage error of {@code spec}'s command if it is not in 1 s..30 days. */
    long checked(CommandSpec spec) {
        return checked(spec, "--timeout", timeout, 1, MAX_SECONDS);
    }

    /** {@code value} in whole seconds; a usage error of {@code spec}'s command if it is not in min..max seconds. */
    static long checked(CommandSpec spec, String option, Duration value, long min, long max) {
        if (value.compareTo(Duration.ofSeconds(min)) < 0 || value.compareTo(Duration.ofSeconds(max)) > 0) {
            throw Usage.error(spec, option + " must be " + (min == 0 ? "at most " + days(max)
                    : "from " + min + "s to " + days(max)) + ", not " + shown(value));
        }
        return value.toSeconds() + (value.toNanosPart() > 0 ? 1 : 0);
    }

    private static String shown(Duration d) {
        return d.toMillis() % 1000 != 0 ? d.toMillis() + "ms" : d.toSeconds() + "s";
    }

    private static String days(long seconds) {
        return seconds % 86_400 == 0 ? seconds / 86_400 + "d" : seconds + "s";
    }
}
