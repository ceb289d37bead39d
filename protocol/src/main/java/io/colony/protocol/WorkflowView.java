package io.colony.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A workflow (a DAG of processes submitted as one unit) and the current view of each of its processes,
 * in the order of its specs. Each process's {@code spec.nodename} and {@code spec.conditions.dependencies}
 * give the graph.
 *
 * @param id        the workflow id (the id of its SubmitWorkflow record, 64 hex)
 * @param state     SUCCESS when every process succeeded, FAILED when every process ended and one failed,
 *                  else RUNNING if a process runs, else WAITING
 * @param processes the processes, in spec order
 */
@JsonPropertyOrder({"id", "state", "processes"})
public record WorkflowView(String id, ProcessState state, List<ProcessView> processes) {

    /** Copies the list. */
    public WorkflowView {
        processes = List.copyOf(processes);
    }

    /** A view whose state is derived from its processes. */
    public static WorkflowView of(String id, List<ProcessView> processes) {
        return new WorkflowView(id, stateOf(processes.stream().map(ProcessView::state).toList()), processes);
    }

    /** The state of a workflow whose processes are in {@code states}. */
    public static ProcessState stateOf(List<ProcessState> states) {
        if (states.stream().allMatch(s -> s == ProcessState.SUCCESS)) {
            return ProcessState.SUCCESS;
        }
        if (states.stream().allMatch(ProcessState::isFinal)) {
            return ProcessState.FAILED;
        }
        return states.contains(ProcessState.RUNNING) ? ProcessState.RUNNING : ProcessState.WAITING;
    }

    /** The process with this node name, if any. */
    public ProcessView process(String nodename) {
        for (ProcessView p : processes) {
            if (p.spec() != null && nodename.equals(p.spec().nodename())) {
                return p;
            }
        }
        return null;
    }
}
