package io.colony.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;

/**
 * The Colonies spellings of a function spec, so that a spec written for {@code colonies function
 * submit} runs unchanged:
 * <ul>
 *   <li>{@code colonyname} (in the spec or its conditions) is accepted and ignored: the colony is the one
 *       of the node the spec is sent to;</li>
 *   <li>{@code conditions.mem} is {@code conditions.memory};</li>
 *   <li>{@code conditions.gpu} may be an object {@code {"count": 1, "name": "...", "mem": "..."}}: its count
 *       is the requirement ({@code name} and {@code mem} are not checked);</li>
 *   <li>{@code conditions.walltime} (seconds) bounds the run like {@code maxexectime} (the smaller wins);</li>
 *   <li>{@code -1} means "no limit" for {@code maxwaittime}, {@code maxexectime} and {@code walltime}, and
 *       "retry forever" (the most retries allowed) for {@code maxretries};</li>
 *   <li>{@code nodes}, {@code processes}, {@code processes-per-node} may be 0 or 1 (one executor runs a process);</li>
 *   <li>{@code fs} and {@code channels} are refused unless empty: they do not exist here yet.</li>
 * </ul>
 */
public final class ColoniesSpec {
    private static final Set<String> GPU_FIELDS = Set.of("count", "name", "mem", "nodecount");

    private ColoniesSpec() {
    }

    /** Checks the Colonies-only fields of a spec {@code n} and its conditions {@code cn}. */
    static void check(JsonNode n, JsonNode cn, String prefix) {
        for (String f : new String[] {"fs", "channels"}) {
            JsonNode v = n.get(f);
            if (v != null && !v.isNull() && !(v.isContainerNode() && v.isEmpty()) && !(v.isTextual() && v.asText().isEmpty())) {
                throw new InvalidSpecException(prefix + f, "is not supported yet (Colonies "
                        + (f.equals("fs") ? "file system staging" : "channels") + "): remove it from the spec");
            }
        }
        String cp = prefix + "conditions.";
        for (JsonNode[] where : new JsonNode[][] {{n}, {cn}}) {
            JsonNode v = where[0].get("colonyname");
            if (v != null && !v.isNull() && !v.isTextual()) {
                throw new InvalidSpecException((where[0] == n ? prefix : cp) + "colonyname", "must be a string");
            }
        }
        if (cn.has("mem") && cn.has("memory")) {
            throw new InvalidSpecException(cp + "mem", "give memory or mem, not both");
        }
        for (String f : new String[] {"nodes", "processes", "processes-per-node"}) {
            JsonNode v = cn.get(f);
            if (v != null && !v.isNull() && (!v.isIntegralNumber() || v.asLong() > 1)) {
                throw new InvalidSpecException(cp + f, "must be 0 or 1: a process runs on one executor");
            }
        }
    }

    /** The gpu requirement as text: a number or string, or the {@code count} of a Colonies gpu object. */
    static String gpu(JsonNode cn, String cp) {
        JsonNode v = cn.get("gpu");
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isObject()) {
            for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!GPU_FIELDS.contains(f)) {
                    throw new InvalidSpecException(cp + "gpu." + f, "unknown field");
                }
            }
            JsonNode count = v.get("count");
            if (count == null || count.isNull()) {
                return null;
            }
            if (!count.isIntegralNumber() || count.asLong() < 0 || count.asLong() > 999_999) {
                throw new InvalidSpecException(cp + "gpu.count", "must be a whole number >= 0");
            }
            return count.asText();
        }
        if (v.isIntegralNumber()) {
            return v.asText();
        }
        if (!v.isTextual()) {
            throw new InvalidSpecException(cp + "gpu", "must be a count like \"1\" or an object {\"count\": 1}");
        }
        return v.textValue();
    }

    /** {@code -1} (Colonies: no limit / retry forever) becomes {@code minusOne}. */
    static long orElse(long v, long minusOne) {
        return v == -1 ? minusOne : v;
    }

    /** {@code maxexectime} bounded by a Colonies {@code walltime} (both in seconds, 0 or -1: none). */
    static long execTime(long maxexectime, long walltime) {
        if (walltime <= 0) {
            return maxexectime;
        }
        return maxexectime <= 0 ? walltime : Math.min(maxexectime, walltime);
    }
}
