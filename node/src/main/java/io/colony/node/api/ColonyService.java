package io.colony.node.api;

import io.colony.protocol.DecodedRecord;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.TriggerView;
import io.colony.protocol.WorkflowView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the HTTP API needs from a node. Implementations check membership and apply records through
 * the node's ledger loop; futures complete exceptionally with {@link ApiError} for refused records.
 */
public interface ColonyService {

    /** Facts about the node for {@code GET /api/v1/node} (JSON-serialisable values). */
    CompletableFuture<Map<String, Object>> info();

    /**
     * Applies a record whose signature was already verified.
     *
     * @return the view of the process the record concerns afterwards (null for membership records)
     */
    CompletableFuture<ProcessView> apply(DecodedRecord record);

    /** The process with this id, if known. */
    CompletableFuture<Optional<ProcessView>> process(byte[] id);

    /** Processes, newest first, optionally only those in {@code state}; at most {@code limit}. */
    CompletableFuture<List<ProcessView>> list(ProcessState state, int limit);

    /** Logs of a process, or empty if the process is unknown. */
    CompletableFuture<Optional<ProcessLogs>> logs(byte[] id);

    /** The workflow with this id (the id of its SubmitWorkflow record), or empty if unknown. */
    CompletableFuture<Optional<WorkflowView>> workflow(byte[] id);

    /**
     * Subscribes to the state changes of a process, or of every process of a workflow when {@code id} is
     * a workflow id. {@code listener} is first called with the current state of every watched process,
     * then with each change this node learns of; it runs on the node's loop and must not block.
     *
     * @return closes the subscription; empty if no process or workflow has this id
     */
    CompletableFuture<Optional<AutoCloseable>> subscribe(byte[] id, Consumer<List<StateEvent>> listener);

    /**
     * Waits up to {@code timeout} for a WAITING process an executor may claim; completes with empty on
     * timeout.
     *
     * @param executorType the executor's type ({@code conditions.executortype})
     * @param executorName the executor's name
     * @param executorId   the executor's member id (64 hex); must be a member
     */
    default CompletableFuture<Optional<Assignment>> assign(String executorType, String executorName, String executorId,
                                                   Duration timeout) {
        return assign(executorType, executorName, executorId, timeout, io.colony.node.ledger.Resources.NONE);
    }

    /**
     * As {@link #assign(String, String, String, Duration)} for an executor offering {@code offer}: only
     * processes whose conditions it meets are offered, and the claim body carries the offer.
     */
    CompletableFuture<Optional<Assignment>> assign(String executorType, String executorName, String executorId,
                                                   Duration timeout, io.colony.node.ledger.Resources offer);

    /** Every executor this node knows of, colony-wide, for {@code GET /api/v1/executors}. */
    default CompletableFuture<List<Map<String, Object>>> executors() {
        return CompletableFuture.failedFuture(ApiError.notFound("no executor list on this node"));
    }

    /**
     * The node's operating status for {@code GET /api/v1/status} (JSON-serialisable values: peers,
     * ledger size, leases held, executor load, memory); by default not available.
     */
    default CompletableFuture<Map<String, Object>> status() {
        return CompletableFuture.failedFuture(ApiError.notFound("no status on this node"));
    }

    /** Every cron and generator this node knows, removed ones included; by default none. */
    default CompletableFuture<List<TriggerView>> triggers() {
        return CompletableFuture.completedFuture(List.of());
    }

    /** The cron or generator with this id (its CronAdd or GeneratorAdd record id), if known. */
    default CompletableFuture<Optional<TriggerView>> trigger(byte[] id) {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    /** Processes like {@link #list(ProcessState, int)}, also only of {@code executorType} and {@code label} (null: any). */
    default CompletableFuture<List<ProcessView>> list(ProcessState state, String executorType, String label, int limit) {
        return list(state, limit).thenApply(all -> all.stream()
                .filter(p -> executorType == null || executorType.equals(p.spec().conditions().executortype()))
                .filter(p -> label == null || label.equals(p.spec().label())).toList());
    }

    /** Workflows, newest first, optionally only those in {@code state}; at most {@code limit}. By default none. */
    default CompletableFuture<List<WorkflowView>> workflows(ProcessState state, int limit) {
        return CompletableFuture.completedFuture(List.of());
    }

    /** The colony's members (the owner first). By default none. */
    default CompletableFuture<List<io.colony.protocol.MemberView>> members() {
        return CompletableFuture.completedFuture(List.of());
    }

    /**
     * The full ids of {@code kind} (process, workflow, cron, generator, member) starting with the lower-case
     * hex {@code prefix}, at most {@code max}. By default none.
     */
    default CompletableFuture<List<String>> idsWithPrefix(String kind, String prefix, int max) {
        return CompletableFuture.completedFuture(List.of());
    }

    /** The node's metrics in the Prometheus text format for {@code GET /metrics}; by default none. */
    default CompletableFuture<String> metrics() {
        return CompletableFuture.failedFuture(ApiError.notFound("no metrics on this node"));
    }
}
