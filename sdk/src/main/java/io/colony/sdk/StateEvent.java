package io.colony.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.colony.protocol.ProcessState;

/**
 * A process's state as the node learned it, from a subscription ({@link ColonyClient#watch}): once for
 * every watched process when the subscription starts, then on every change of state or attempt.
 *
 * @param id         process id (64 hex)
 * @param state      the state
 * @param attempt    attempts claimed so far
 * @param executorId member id of the executor of the current/last attempt (null before the first claim)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StateEvent(String id, ProcessState state, int attempt, String executorId) {
}
