package io.colony.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/**
 * The duration syntax of every command: {@code 500ms}, {@code 3s}, {@code 2m}, {@code 1h}, {@code 30d}
 * (a bare number is seconds).
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < v.length() && Character.isDigit(v.charAt(split))) {
            split++;
        }
        if (split == 0 || split > 9) {
            throw new CommandLine.TypeConversionException("not a duration: '" + value + "' (e.g. 500ms, 3s, 2m, 1h, 30d)");
        }
        long n = Long.parseLong(v.substring(0, split));
        return switch (v.substring(split)) {
            case "ms" -> Duration.ofMillis(n);
            case "s", "" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new CommandLine.TypeConversionException("not a duration: '" + value
                    + "' (e.g. 500ms, 3s, 2m, 1h, 30d)");
        };
    }
}
