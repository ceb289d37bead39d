package io.colony.cli;

import io.colony.sdk.ColonyException;
import java.util.function.Supplier;

/** A wait that ended because its time-out passed first: exit status {@link Main#EXIT_TIMEOUT}. */
final class TimedOutException extends RuntimeException {

    TimedOutException(String message) {
        super(message);
    }

    /** Runs a wait of the SDK, turning its time-out into this exception. */
    static <T> T waiting(long seconds, Supplier<T> wait) {
        try {
            return wait.get();
        } catch (ColonyException e) {
            if (e.status() == 0 && e.getMessage() != null && e.getMessage().startsWith("timed out")) {
                throw new TimedOutException(e.getMessage() + " (after " + seconds + " s; it goes on: see"
                        + " 'colony process get' or wait again)");
            }
            throw e;
        }
    }
}
