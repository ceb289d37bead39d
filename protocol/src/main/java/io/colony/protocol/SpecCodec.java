package io.colony.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Function spec JSON and protobuf codec with validation. Every error is an
 * {@link InvalidSpecException} naming the field and the rule.
 *
 * <p>Rules: the JSON text is at most {@link #MAX_SPEC_BYTES} bytes; unknown fields are errors;
 * {@code funcname} and {@code conditions.executortype} are required non-empty strings; {@code args}
 * is a list of at most {@link #MAX_ARGS} strings; {@code kwargs} an object; {@code env} an object of
 * strings (at most {@link #MAX_ENV} entries); {@code maxwaittime}, {@code maxexectime} and
 * {@code maxretries} are integers &gt;= 0 ({@code maxretries} at most {@link #MAX_RETRIES});
 * resources are {@code cpu} ("500m", "2"), {@code memory} ("512Mi", "1Gi", "1G", bytes) and {@code gpu}
 * ("1"). Specs written for Colonies are read too (see {@link ColoniesSpec}). Resource strings are normalised when they pass through protobuf (e.g. "1024Mi" becomes "1Gi").
 *
 * <p>Time limits ({@code maxwaittime}, {@code maxexectime}) are at most {@link #MAX_TIME_LIMIT_SECONDS}
 * (30 days); 0 means none. {@code env} names are {@code [A-Za-z_][A-Za-z0-9_]*}, values hold no NUL,
 * and a spec cannot set the variables that change which program runs or what it loads (see
 * {@link #envRefusal(String)}), nor the reserved {@code COLONY_*}. The same rules hold for specs
 * arriving as protobuf, so a record breaking them is refused by every node.
 */
public final class SpecCodec {
    /** Largest accepted spec: 64 KiB of JSON (also bounds the protobuf form). */
    public static final int MAX_SPEC_BYTES = 64 * 1024;
    /** Most positional arguments. */
    public static final int MAX_ARGS = 1024;
    /** Most environment variables. */
    public static final int MAX_ENV = 256;
    /** Most executor names or dependencies. */
    public static final int MAX_NAMES = 256;
    /** Most retries. */
    public static final int MAX_RETRIES = 1000;
    /** Most specs in one workflow. */
    public static final int MAX_WORKFLOW_SPECS = 256;
    /** Longest {@code maxwaittime} / {@code maxexectime}: 30 days, in seconds. */
    public static final long MAX_TIME_LIMIT_SECONDS = 30L * 24 * 3600;
    /** Prefixes of environment variable names a spec may not set (compared upper case). */
    public static final List<String> RESERVED_ENV_PREFIXES = List.of("COLONY_", "LD_", "DYLD_");
    /**
     * Environment variable names a spec may not set (compared upper case): they choose the program
     * ({@code PATH}), change how shells parse and start ({@code IFS}, {@code ENV}, {@code BASH_ENV}, ...)
     * or make an interpreter or the C library load other code.
     */
    public static final Set<String> RESERVED_ENV_NAMES = Set.of(
            "PATH", "IFS", "ENV", "BASH_ENV", "CDPATH", "SHELLOPTS", "BASHOPTS", "PS4", "PROMPT_COMMAND",
            "GLOBIGNORE", "GLIBC_TUNABLES", "GCONV_PATH", "LOCPATH", "NLSPATH", "HOSTALIASES", "MALLOC_CHECK_",
            "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "PYTHONPLATLIBDIR", "PYTHONINSPECT",
            "PERL5LIB", "PERLLIB", "PERL5OPT", "RUBYLIB", "RUBYOPT", "NODE_OPTIONS", "NODE_PATH",
            "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH", "LUA_PATH", "LUA_CPATH",
            "LUA_INIT", "TCLLIBPATH", "R_PROFILE", "R_PROFILE_USER", "R_LIBS", "R_LIBS_USER");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SPEC_FIELDS = Set.of("nodename", "funcname", "args", "kwargs", "env",
            "conditions", "maxwaittime", "maxexectime", "maxretries", "priority", "label", "shell",
            "colonyname", "fs", "channels");
    private static final Set<String> CONDITION_FIELDS = Set.of("executortype", "executornames", "dependencies",
            "cpu", "memory", "gpu", "colonyname", "mem", "walltime", "nodes", "processes", "processes-per-node");
    private static final Pattern CPU = Pattern.compile("(\\d{1,9})(m?)");
    private static final Pattern MEMORY = Pattern.compile("(\\d{1,15})(Ki|Mi|Gi|Ti|K|M|G|T)?");

    private SpecCodec() {
    }

    /** Parses and validates a JSON spec. */
    public static FunctionSpec parse(String json) {
        if (json == null) {
            throw new InvalidSpecException("spec", "is missing");
        }
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses and validates a UTF-8 JSON spec. */
    public static FunctionSpec parse(byte[] json) {
        return fromTree(readTree(json), "");
    }

    /**
     * Parses a workflow: a JSON array of specs, or an object {@code {"functionspecs": [...]}}. Node names
     * must be unique and dependencies must name specs of the same workflow.
     */
    public static List<FunctionSpec> parseWorkflow(String json) {
        JsonNode root = readTree(json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8));
        JsonNode array = root;
        if (root.isObject()) {
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("functionspecs") && !f.equals("colonyname")) {
                    throw new InvalidSpecException(f, "unknown field");
                }
            }
            array = root.get("functionspecs");
        }
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw new InvalidSpecException("functionspecs", "must be a non-empty list of specs");
        }
        if (array.size() > MAX_WORKFLOW_SPECS) {
            throw new InvalidSpecException("functionspecs", "at most " + MAX_WORKFLOW_SPECS + " specs");
        }
        List<FunctionSpec> specs = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            specs.add(fromTree(array.get(i), "functionspecs[" + i + "]."));
        }
        validateWorkflow(specs);
        return specs;
    }

    /** Checks workflow-level rules: unique node names, dependencies name siblings, no dependency cycle. */
    public static void validateWorkflow(List<FunctionSpec> specs) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            String n = specs.get(i).nodename();
            if (n == null || n.isEmpty()) {
                throw new InvalidSpecException("functionspecs[" + i + "].nodename", "is required in a workflow");
            }
            if (!names.add(n)) {
                throw new InvalidSpecException("functionspecs[" + i + "].nodename", "duplicate name '" + n + "'");
            }
        }
        for (int i = 0; i < specs.size(); i++) {
            for (String d : specs.get(i).conditions().dependencies()) {
                if (!names.contains(d) || d.equals(specs.get(i).nodename())) {
                    throw new InvalidSpecException("functionspecs[" + i + "].conditions.dependencies",
                            "'" + d + "' is not another function of this workflow");
                }
            }
        }
        checkAcyclic(specs);
    }

    /** Rejects a workflow whose dependencies form a cycle (Kahn's algorithm over the node names). */
    private static void checkAcyclic(List<FunctionSpec> specs) {
        Map<String, Integer> unmet = new HashMap<>();
        Map<String, List<String>> children = new HashMap<>();
        for (FunctionSpec s : specs) {
            unmet.put(s.nodename(), new HashSet<>(s.conditions().dependencies()).size());
            for (String d : new HashSet<>(s.conditions().dependencies())) {
                children.computeIfAbsent(d, k -> new ArrayList<>()).add(s.nodename());
            }
        }
        Deque<String> ready = new ArrayDeque<>();
        unmet.forEach((n, c) -> {
            if (c == 0) {
                ready.add(n);
            }
        });
        int done = 0;
        while (!ready.isEmpty()) {
            String n = ready.poll();
            done++;
            for (String child : children.getOrDefault(n, List.of())) {
                if (unmet.merge(child, -1, Integer::sum) == 0) {
                    ready.add(child);
                }
            }
        }
        if (done < specs.size()) {
            List<String> inCycle = new ArrayList<>();
            specs.forEach(s -> {
                if (unmet.get(s.nodename()) > 0) {
                    inCycle.add(s.nodename());
                }
            });
            throw new InvalidSpecException("conditions.dependencies",
                    "the dependencies form a cycle among " + String.join(", ", inCycle));
        }
    }

    /** The spec as compact JSON. */
    public static String toJson(FunctionSpec spec) {
        try {
            return JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise spec", e);
        }
    }

    /** Validates a spec built in code; same rules as {@link #parse(String)}. */
    public static FunctionSpec validate(FunctionSpec spec) {
        return parse(toJson(spec));
    }

    /** The protobuf form. Resources are converted to cpu_millis / memory_mb / gpus. */
    public static io.colony.protocol.pb.FunctionSpec toProto(FunctionSpec spec) {
        Conditions c = spec.conditions();
        io.colony.protocol.pb.Conditions.Builder cb = io.colony.protocol.pb.Conditions.newBuilder()
                .setExecutortype(nz(c.executortype()))
                .addAllExecutornames(c.executornames())
                .addAllDependencies(c.dependencies())
                .setCpuMillis(cpuMillis(c.cpu(), "conditions.cpu"))
                .setMemoryMb(memoryMb(c.memory(), "conditions.memory"))
                .setGpus(gpus(c.gpu(), "conditions.gpu"));
        String kwargs = "";
        if (!spec.kwargs().isEmpty()) {
            try {
                kwargs = JSON.writeValueAsString(spec.kwargs());
            } catch (JsonProcessingException e) {
                throw new InvalidSpecException("kwargs", "cannot be serialised");
            }
        }
        return io.colony.protocol.pb.FunctionSpec.newBuilder()
                .setNodename(nz(spec.nodename()))
                .setFuncname(nz(spec.funcname()))
                .addAllArgs(spec.args())
                .setKwargsJson(kwargs)
                .putAllEnv(spec.env())
                .setConditions(cb)
                .setMaxwaittime(spec.maxwaittime())
                .setMaxexectime(spec.maxexectime())
                .setMaxretries(spec.maxretries())
                .setPriority(spec.priority())
                .setLabel(nz(spec.label()))
                .setShell(spec.shell())
                .build();
    }

    /** Converts and validates a protobuf spec (e.g. from a peer). */
    public static FunctionSpec fromProto(io.colony.protocol.pb.FunctionSpec p) {
        if (p.getSerializedSize() > MAX_SPEC_BYTES) {
            throw new InvalidSpecException("spec", "larger than " + MAX_SPEC_BYTES + " bytes");
        }
        io.colony.protocol.pb.Conditions pc = p.getConditions();
        Conditions c = new Conditions(pc.getExecutortype(), pc.getExecutornamesList(), pc.getDependenciesList(),
                pc.getCpuMillis() == 0 ? null : formatCpu(pc.getCpuMillis()),
                pc.getMemoryMb() == 0 ? null : formatMemory(pc.getMemoryMb()),
                pc.getGpus() == 0 ? null : Integer.toString(pc.getGpus()));
        Map<String, Object> kwargs = Map.of();
        if (!p.getKwargsJson().isEmpty()) {
            try {
                kwargs = JSON.readValue(p.getKwargsJson(), new TypeReference<LinkedHashMap<String, Object>>() { });
            } catch (JsonProcessingException e) {
                throw new InvalidSpecException("kwargs", "must be a JSON object");
            }
        }
        FunctionSpec spec = new FunctionSpec(emptyToNull(p.getNodename()), p.getFuncname(), p.getArgsList(), kwargs,
                p.getEnvMap(), c, p.getMaxwaittime(), p.getMaxexectime(), p.getMaxretries(), p.getPriority(),
                emptyToNull(p.getLabel()), p.getShell());
        checkValues(spec, "");
        return spec;
    }

    /** CPU millicores of "500m" (500) or "2" (2000); null or "" is 0. */
    public static int cpuMillis(String cpu, String field) {
        if (cpu == null || cpu.isEmpty()) {
            return 0;
        }
        Matcher m = CPU.matcher(cpu);
        if (!m.matches()) {
            throw new InvalidSpecException(field, "must be cores like \"2\" or millicores like \"500m\"");
        }
        long v = Long.parseLong(m.group(1)) * (m.group(2).isEmpty() ? 1000 : 1);
        if (v > Integer.MAX_VALUE) {
            throw new InvalidSpecException(field, "is too large");
        }
        return (int) v;
    }

    /** Memory in MiB of "512Mi", "1Gi", "1G", "1000000" (bytes, rounded up); null or "" is 0. */
    public static long memoryMb(String memory, String field) {
        if (memory == null || memory.isEmpty()) {
            return 0;
        }
        Matcher m = MEMORY.matcher(memory);
        if (!m.matches()) {
            throw new InvalidSpecException(field, "must be a size like \"512Mi\", \"1Gi\" or \"1G\"");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        long bytesPerUnit = switch (unit) {
            case "Ki" -> 1L << 10;
            case "Mi" -> 1L << 20;
            case "Gi" -> 1L << 30;
            case "Ti" -> 1L << 40;
            case "K" -> 1_000L;
            case "M" -> 1_000_000L;
            case "G" -> 1_000_000_000L;
            case "T" -> 1_000_000_000_000L;
            default -> 1L;
        };
        if (n > Long.MAX_VALUE / bytesPerUnit) {
            throw new InvalidSpecException(field, "is too large");
        }
        long bytes = n * bytesPerUnit;
        return (bytes + (1L << 20) - 1) >> 20;
    }

    /** GPU count of "1"; null or "" is 0. */
    public static int gpus(String gpu, String field) {
        if (gpu == null || gpu.isEmpty()) {
            return 0;
        }
        if (!gpu.matches("\\d{1,6}")) {
            throw new InvalidSpecException(field, "must be a whole number like \"1\"");
        }
        return Integer.parseInt(gpu);
    }

    private static String formatCpu(int millis) {
        return millis % 1000 == 0 ? Integer.toString(millis / 1000) : millis + "m";
    }

    private static String formatMemory(long mb) {
        return mb % 1024 == 0 ? (mb / 1024) + "Gi" : mb + "Mi";
    }

    private static JsonNode readTree(byte[] json) {
        if (json.length > MAX_SPEC_BYTES) {
            throw new InvalidSpecException("spec", "larger than " + MAX_SPEC_BYTES + " bytes");
        }
        if (json.length == 0) {
            throw new InvalidSpecException("spec", "is empty");
        }
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || n.isMissingNode()) {
                throw new InvalidSpecException("spec", "is empty");
            }
            return n;
        } catch (InvalidSpecException e) {
            throw e;
        } catch (java.io.IOException e) {
            throw new InvalidSpecException("spec", "is not valid JSON: " + jsonProblem(e));
        }
    }

    /** What is wrong with a JSON text, in a reader's terms: the parser's first sentence and the line and column. */
    static String jsonProblem(java.io.IOException e) {
        String msg = e instanceof JsonProcessingException j && j.getOriginalMessage() != null ? j.getOriginalMessage()
                : e.getMessage() == null ? "unreadable" : e.getMessage();
        msg = msg.split("\n")[0];
        int cut = msg.indexOf(" at [Source");
        if (cut >= 0) {
            msg = msg.substring(0, cut);
        }
        msg = msg.replaceAll(":? ?\\(for [A-Za-z ]+ starting at \\[Source.*$", "");
        if (e instanceof JsonProcessingException j && j.getLocation() != null && j.getLocation().getLineNr() > 0) {
            return msg + " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")";
        }
        return msg;
    }

    private static FunctionSpec fromTree(JsonNode n, String prefix) {
        if (!n.isObject()) {
            throw new InvalidSpecException(prefix.isEmpty() ? "spec" : prefix.substring(0, prefix.length() - 1),
                    "must be a JSON object");
        }
        rejectUnknown(n, SPEC_FIELDS, prefix);
        JsonNode cn = n.get("conditions");
        if (cn == null || cn.isNull()) {
            throw new InvalidSpecException(prefix + "conditions.executortype", "is required");
        }
        if (!cn.isObject()) {
            throw new InvalidSpecException(prefix + "conditions", "must be an object");
        }
        rejectUnknown(cn, CONDITION_FIELDS, prefix + "conditions.");
        String cp = prefix + "conditions.";
        ColoniesSpec.check(n, cn, prefix);
        Conditions c = new Conditions(string(cn, "executortype", cp), strings(cn, "executornames", cp, MAX_NAMES),
                strings(cn, "dependencies", cp, MAX_NAMES), resource(cn, "cpu", cp),
                resource(cn, cn.has("mem") ? "mem" : "memory", cp), ColoniesSpec.gpu(cn, cp));
        JsonNode kw = n.get("kwargs");
        Map<String, Object> kwargs = Map.of();
        if (kw != null && !kw.isNull()) {
            if (!kw.isObject()) {
                throw new InvalidSpecException(prefix + "kwargs", "must be a JSON object");
            }
            kwargs = JSON.convertValue((ObjectNode) kw, new TypeReference<LinkedHashMap<String, Object>>() { });
        }
        FunctionSpec spec = new FunctionSpec(string(n, "nodename", prefix), string(n, "funcname", prefix),
                strings(n, "args", prefix, MAX_ARGS), kwargs, env(n, prefix), c,
                ColoniesSpec.orElse(seconds(n, "maxwaittime", prefix), 0),
                ColoniesSpec.execTime(ColoniesSpec.orElse(seconds(n, "maxexectime", prefix), 0),
                        seconds(cn, "walltime", cp)),
                (int) ColoniesSpec.orElse(integer(n, "maxretries", prefix), MAX_RETRIES),
                (int) integer(n, "priority", prefix),
                string(n, "label", prefix), bool(n, "shell", prefix));
        checkValues(spec, prefix);
        return spec;
    }

    private static void checkValues(FunctionSpec s, String prefix) {
        if (s.funcname() == null || s.funcname().isBlank()) {
            throw new InvalidSpecException(prefix + "funcname", "is required");
        }
        if (s.conditions() == null || s.conditions().executortype() == null
                || s.conditions().executortype().isBlank()) {
            throw new InvalidSpecException(prefix + "conditions.executortype", "is required");
        }
        if (s.args().size() > MAX_ARGS) {
            throw new InvalidSpecException(prefix + "args", "at most " + MAX_ARGS + " arguments");
        }
        if (s.env().size() > MAX_ENV) {
            throw new InvalidSpecException(prefix + "env", "at most " + MAX_ENV + " variables");
        }
        Conditions c = s.conditions();
        if (c.executornames().size() > MAX_NAMES || c.dependencies().size() > MAX_NAMES) {
            throw new InvalidSpecException(prefix + "conditions", "at most " + MAX_NAMES + " names per list");
        }
        timeLimit(s.maxwaittime(), prefix + "maxwaittime");
        timeLimit(s.maxexectime(), prefix + "maxexectime");
        for (Map.Entry<String, String> e : s.env().entrySet()) {
            String why = envRefusal(e.getKey());
            if (why != null) {
                throw new InvalidSpecException(prefix + "env." + e.getKey(), why);
            }
            if (e.getValue() == null || e.getValue().indexOf('\0') >= 0) {
                throw new InvalidSpecException(prefix + "env." + e.getKey(), "must be a string without NUL characters");
            }
        }
        nonNegative(s.maxretries(), prefix + "maxretries");
        if (s.maxretries() > MAX_RETRIES) {
            throw new InvalidSpecException(prefix + "maxretries", "must be <= " + MAX_RETRIES);
        }
        cpuMillis(c.cpu(), prefix + "conditions.cpu");
        memoryMb(c.memory(), prefix + "conditions.memory");
        gpus(c.gpu(), prefix + "conditions.gpu");
    }

    /**
     * Why a spec may not set the environment variable {@code name}, or {@code null} if it may: the
     * name must be {@code [A-Za-z_][A-Za-z0-9_]*} and neither in {@link #RESERVED_ENV_NAMES} nor
     * starting with one of {@link #RESERVED_ENV_PREFIXES} (case-insensitive).
     */
    public static String envRefusal(String name) {
        if (name == null || !ENV_NAME.matcher(name).matches()) {
            return "is not a valid variable name (letters, digits and _, not starting with a digit)";
        }
        String upper = name.toUpperCase(java.util.Locale.ROOT);
        for (String p : RESERVED_ENV_PREFIXES) {
            if (upper.startsWith(p)) {
                return p.equals("COLONY_") ? "COLONY_* variables are reserved (set by the executor)"
                        : "cannot be set by a spec: " + p + "* variables change what the program loads";
            }
        }
        if (RESERVED_ENV_NAMES.contains(upper)) {
            return "cannot be set by a spec: " + upper + " changes which program runs or what it loads";
        }
        return null;
    }

    private static void timeLimit(long seconds, String field) {
        nonNegative(seconds, field);
        if (seconds > MAX_TIME_LIMIT_SECONDS) {
            throw new InvalidSpecException(field, "must be at most " + MAX_TIME_LIMIT_SECONDS
                    + " seconds (30 days); 0 means no limit");
        }
    }

    private static void nonNegative(long v, String field) {
        if (v < 0) {
            throw new InvalidSpecException(field, "must be >= 0");
        }
    }

    private static void rejectUnknown(JsonNode n, Set<String> known, String prefix) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new InvalidSpecException(prefix + f, "unknown field");
            }
        }
    }

    private static String string(JsonNode n, String f, String prefix) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidSpecException(prefix + f, "must be a string");
        }
        return v.textValue();
    }

    private static String resource(JsonNode n, String f, String prefix) {
        JsonNode v = n.get(f);
        if (v != null && v.isIntegralNumber()) {
            return v.asText();
        }
        return string(n, f, prefix);
    }

    private static List<String> strings(JsonNode n, String f, String prefix, int max) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new InvalidSpecException(prefix + f, "must be a list of strings");
        }
        if (v.size() > max) {
            throw new InvalidSpecException(prefix + f, "at most " + max + " entries");
        }
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw new InvalidSpecException(prefix + f + "[" + i + "]", "must be a string");
            }
            out.add(v.get(i).textValue());
        }
        return out;
    }

    private static Map<String, String> env(JsonNode n, String prefix) {
        JsonNode v = n.get("env");
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw new InvalidSpecException(prefix + "env", "must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isTextual()) {
                throw new InvalidSpecException(prefix + "env." + e.getKey(), "must be a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    private static long integer(JsonNode n, String f, String prefix) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new InvalidSpecException(prefix + f, "must be a whole number");
        }
        return v.intValue();
    }

    /** A whole number of seconds; values beyond a long are {@link Long#MAX_VALUE} (refused by the range check). */
    private static long seconds(JsonNode n, String f, String prefix) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber()) {
            throw new InvalidSpecException(prefix + f, "must be a whole number");
        }
        if (!v.canConvertToLong()) {
            return v.bigIntegerValue().signum() < 0 ? -1 : Long.MAX_VALUE;
        }
        return v.longValue();
    }

    private static boolean bool(JsonNode n, String f, String prefix) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new InvalidSpecException(prefix + f, "must be true or false");
        }
        return v.booleanValue();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
