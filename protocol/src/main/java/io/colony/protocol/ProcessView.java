package io.colony.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * Everything known about one process, as of the ledger's fold of its records. Immutable; Jackson
 * serialises it with the component names as JSON names.
 *
 * @param id process id (64 hex)
 * @param spec the function spec
 * @param state current state
 * @param submitter member id of the submitter
 * @param executorName name of the executor of the current/last attempt (null before the first claim)
 * @param executorId member id of that executor (null before the first claim)
 * @param attempt attempts claimed so far (0 = never claimed)
 * @param submittedMs Submit timestamp
 * @param startedMs timestamp of the current/last claim (0 if none)
 * @param endedMs timestamp of the record that made it SUCCESS/FAILED (0 if not final)
 * @param output output of the successful attempt
 * @param errors errors of failed attempts, timeouts and cancellation, oldest first
 * @param history every kept record in fold order, including ignored ones
 * @param leaseUntilMs lease end of the running attempt (0 if not RUNNING)
 * @param workflowId id of the workflow record for workflow members, else null
 */
@JsonPropertyOrder({"id", "state", "spec", "submitter", "executorName", "executorId", "attempt", "submittedMs",
        "startedMs", "endedMs", "leaseUntilMs", "output", "errors", "history", "workflowId"})
public record ProcessView(String id, FunctionSpec spec, ProcessState state, String submitter, String executorName,
                          String executorId, int attempt, long submittedMs, long startedMs, long endedMs,
                          List<String> output, List<String> errors, List<ProcessEvent> history, long leaseUntilMs,
                          String workflowId) {

    /** Copies the lists. */
    public ProcessView {
        output = List.copyOf(output);
        errors = List.copyOf(errors);
        history = List.copyOf(history);
    }
}
