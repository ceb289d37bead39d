package io.colony.node.api;

import io.colony.protocol.ProcessState;

/**
 * A process's state as a node learned it: sent to subscribers once when they subscribe and again on
 * every change of state or attempt.
 *
 * @param id         process id (64 hex)
 * @param state      the state
 * @param attempt    attempts claimed so far
 * @param executorId member id of the executor of the current/last attempt (null before the first claim)
 */
public record StateEvent(String id, ProcessState state, int attempt, String executorId) {
}
