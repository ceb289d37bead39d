package io.colony.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * Where a process may run (ColonyOS {@code conditions}).
 *
 * @param executortype required: only executors of this type may claim the process
 * @param executornames if not empty, only executors with one of these names may claim it
 * @param dependencies names ({@code nodename}) of the workflow siblings that must succeed first
 * @param cpu CPU requirement, e.g. {@code "500m"} or {@code "2"}; null = none
 * @param memory memory requirement, e.g. {@code "512Mi"}, {@code "1Gi"}; null = none
 * @param gpu number of GPUs, e.g. {@code "1"}; null = none
 */
@JsonPropertyOrder({"executortype", "executornames", "dependencies", "cpu", "memory", "gpu"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Conditions(String executortype, List<String> executornames, List<String> dependencies,
                         String cpu, String memory, String gpu) {

    /** Copies the lists; null lists become empty. */
    public Conditions {
        executornames = executornames == null ? List.of() : List.copyOf(executornames);
        dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
    }

    /** Conditions with only an executor type. */
    public static Conditions of(String executortype) {
        return new Conditions(executortype, List.of(), List.of(), null, null, null);
    }
}
