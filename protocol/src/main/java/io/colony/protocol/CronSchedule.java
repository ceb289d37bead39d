package io.colony.protocol;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A cron expression, evaluated in UTC: six fields with seconds first ({@code "0/10 * * * * *"}, as
 * ColonyOS writes them) or the classic five starting with minutes ({@code "*&#47;5 * * * *"}).
 */
public final class CronSchedule {
    private static final CronParser SECONDS = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));
    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final String expression;
    private final ExecutionTime time;

    private CronSchedule(String expression, ExecutionTime time) {
        this.expression = expression;
        this.time = time;
    }

    /**
     * Parses an expression.
     *
     * @throws InvalidInputException (field {@code schedule}) if it is not a valid expression
     */
    public static CronSchedule parse(String expression) {
        String e = expression == null ? "" : expression.trim();
        int fields = e.isEmpty() ? 0 : e.split("\\s+").length;
        if (fields != 5 && fields != 6) {
            throw new InvalidInputException("schedule", "a cron expression has 6 fields (second minute hour day month"
                    + " weekday) or 5 (minute hour day month weekday), not " + fields + ": \"" + e + "\"");
        }
        try {
            return new CronSchedule(e, ExecutionTime.forCron((fields == 6 ? SECONDS : UNIX).parse(e)));
        } catch (IllegalArgumentException ex) {
            throw new InvalidInputException("schedule", "invalid cron expression \"" + e + "\": " + ex.getMessage());
        }
    }

    /** The first scheduled time strictly after {@code afterMs} (ms since the epoch), or -1 if none. */
    public long next(long afterMs) {
        // whole seconds: the next time after 10.5 s is the one after 10 s
        ZonedDateTime after = Instant.ofEpochSecond(Math.floorDiv(afterMs, 1000)).atZone(ZoneOffset.UTC);
        Optional<ZonedDateTime> n = time.nextExecution(after);
        return n.map(z -> z.toInstant().getEpochSecond() * 1000).orElse(-1L);
    }

    /** The expression as given. */
    public String expression() {
        return expression;
    }

    @Override
    public String toString() {
        return expression;
    }
}
