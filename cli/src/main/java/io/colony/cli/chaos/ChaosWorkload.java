package io.colony.cli.chaos;

import io.colony.protocol.FunctionSpec;
import io.colony.protocol.SpecCodec;
import java.util.Locale;
import java.util.Random;

/** The processes of a chaos run: {@code sleep}s of random length, retried often enough to survive kills. */
final class ChaosWorkload {

    /** Executor type of the chaos nodes. */
    static final String EXECUTOR_TYPE = "cli";
    /** Retries per process: every kill of its node costs one. */
    static final int MAX_RETRIES = 100;
    /** Longest run of one attempt, in seconds (a kill ends an attempt long before). */
    static final int MAX_EXEC_SECONDS = 300;

    private ChaosWorkload() {
    }

    /** A spec that sleeps between {@code maxSleepMs / 5} and {@code maxSleepMs} (no shell). */
    static FunctionSpec spec(Random random, long maxSleepMs) {
        long min = Math.max(1, maxSleepMs / 5);
        long ms = min + (long) (random.nextDouble() * (maxSleepMs - min));
        String seconds = String.format(Locale.ROOT, "%.3f", ms / 1000.0);
        return SpecCodec.parse("{\"conditions\":{\"executortype\":\"" + EXECUTOR_TYPE + "\"},\"funcname\":\"sleep\","
                + "\"args\":[\"" + seconds + "\"],\"maxretries\":" + MAX_RETRIES + ",\"maxexectime\":"
                + MAX_EXEC_SECONDS + ",\"label\":\"chaos\"}");
    }
}
