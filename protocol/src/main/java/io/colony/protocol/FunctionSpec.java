package io.colony.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A function spec in ColonyOS vocabulary: what to run and under which conditions. Immutable. Parse
 * and validate JSON with {@link SpecCodec#parse(String)}; the JSON names are the component names.
 *
 * @param nodename name of this function inside a workflow (may be null)
 * @param funcname required: the function (program) to run
 * @param args positional arguments
 * @param kwargs keyword arguments (a JSON object)
 * @param env environment variables
 * @param conditions required: where it may run
 * @param maxwaittime seconds it may wait for an executor, 0 = forever
 * @param maxexectime seconds one attempt may run, 0 = no limit
 * @param maxretries retries after the first attempt
 * @param priority higher is assigned first
 * @param label free text
 * @param shell run {@code funcname args...} through {@code /bin/sh -c} (opt-in)
 */
@JsonPropertyOrder({"nodename", "funcname", "args", "kwargs", "env", "conditions", "maxwaittime",
        "maxexectime", "maxretries", "priority", "label", "shell"})
public record FunctionSpec(String nodename, String funcname, List<String> args, Map<String, Object> kwargs,
                           Map<String, String> env, Conditions conditions, long maxwaittime, long maxexectime,
                           int maxretries, int priority, String label, boolean shell) {

    /** Copies the collections; null collections become empty. */
    public FunctionSpec {
        args = args == null ? List.of() : List.copyOf(args);
        kwargs = kwargs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
        env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    /** A minimal spec: run {@code funcname args} on an executor of type {@code executortype}. */
    public static FunctionSpec of(String executortype, String funcname, String... args) {
        return new FunctionSpec(null, funcname, List.of(args), Map.of(), Map.of(), Conditions.of(executortype),
                0, 0, 0, 0, null, false);
    }

    /** This spec with other limits. */
    public FunctionSpec withLimits(long maxwaittime, long maxexectime, int maxretries) {
        return new FunctionSpec(nodename, funcname, args, kwargs, env, conditions, maxwaittime, maxexectime,
                maxretries, priority, label, shell);
    }

    /** This spec with another priority. */
    public FunctionSpec withPriority(int priority) {
        return new FunctionSpec(nodename, funcname, args, kwargs, env, conditions, maxwaittime, maxexectime,
                maxretries, priority, label, shell);
    }

    /** This spec with another node name and dependencies (for workflows). */
    public FunctionSpec inWorkflow(String nodename, List<String> dependencies) {
        Conditions c = new Conditions(conditions.executortype(), conditions.executornames(), dependencies,
                conditions.cpu(), conditions.memory(), conditions.gpu());
        return new FunctionSpec(nodename, funcname, args, kwargs, env, c, maxwaittime, maxexectime, maxretries,
                priority, label, shell);
    }
}
