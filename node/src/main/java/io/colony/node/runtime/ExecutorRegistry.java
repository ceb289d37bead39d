package io.colony.node.runtime;

import io.colony.node.ledger.Resources;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Hex;
import io.colony.protocol.ProcessView;
import io.colony.protocol.pb.Claim;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a node knows of the colony's executors, for {@code GET /api/v1/executors}: its own built-in
 * executor, the external executors polling it ({@code /executors/assign}), and every executor seen in
 * the ledger (Claim records carry the executor's key, name, type and resources; Renew, LogAppend and
 * Close records say it is alive). Load is the number of processes RUNNING on an executor now. Not
 * thread-safe: used on the node's loop thread.
 */
public final class ExecutorRegistry {
    /** Most executors remembered; past that the one heard from longest ago is forgotten. */
    static final int MAX_EXECUTORS = 10_000;
    /** Most attempts remembered to map Renew/Close records to their executor. */
    static final int MAX_ATTEMPTS = 100_000;

    private static final class Entry {
        final String id;
        final String name;
        String type;
        String node;
        int cpuMillis;
        long memoryMb;
        int gpus;
        long lastSeenMs;
        long lastPollMs;

        Entry(String id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    private final Map<String, Entry> entries = new HashMap<>();
    /** process id hex -> entry key of the executor whose claim of it was seen last */
    private final Map<String, String> attempts = new HashMap<>();

    private static String key(String id, String name) {
        return id + "/" + name;
    }

    private Entry entry(String id, String name) {
        Entry e = entries.get(key(id, name));
        if (e == null) {
            if (entries.size() >= MAX_EXECUTORS) {
                entries.values().stream().min(Comparator.comparingLong(x -> x.lastSeenMs))
                        .ifPresent(old -> entries.remove(key(old.id, old.name)));
            }
            e = new Entry(id, name);
            entries.put(key(id, name), e);
        }
        return e;
    }

    /** An external executor asked this node ({@code nodeId}) for work. */
    public void polled(String executorId, String name, String type, Resources offer, String nodeId, long nowMs) {
        Entry e = entry(executorId, name);
        e.type = type;
        e.node = nodeId;
        e.cpuMillis = offer.cpuMillis();
        e.memoryMb = offer.memoryMb();
        e.gpus = offer.gpus();
        e.lastSeenMs = Math.max(e.lastSeenMs, nowMs);
        e.lastPollMs = nowMs;
    }

    /** A record newly stored (from a client, a peer or this node). */
    public void observe(DecodedRecord r) {
        switch (r.kind()) {
            case CLAIM -> {
                Claim c = r.record().getClaim();
                Entry e = entry(r.signerId(), c.getExecutorName());
                e.type = c.getExecutorType();
                e.cpuMillis = c.getCpuMillis();
                e.memoryMb = c.getMemoryMb();
                e.gpus = c.getGpus();
                e.lastSeenMs = Math.max(e.lastSeenMs, r.record().getTimestampMs());
                if (attempts.size() >= MAX_ATTEMPTS) {
                    attempts.clear();
                }
                attempts.put(Hex.encode(r.processId()), key(e.id, e.name));
            }
            case RENEW, LOG, CLOSE -> {
                String k = attempts.get(Hex.encode(r.processId()));
                Entry e = k == null ? null : entries.get(k);
                if (e != null && e.id.equals(r.signerId())) {
                    e.lastSeenMs = Math.max(e.lastSeenMs, r.record().getTimestampMs());
                }
                if (r.kind() == io.colony.protocol.RecordKind.CLOSE) {
                    attempts.remove(Hex.encode(r.processId()));
                }
            }
            default -> { }
        }
    }

    /**
     * Every executor known, sorted by node, type and name: {@code id}, {@code name}, {@code type},
     * {@code kind} ("built-in" for a node's own executor, "external"), {@code node} (the node it runs in
     * or polls, null if unknown here), {@code cpuMillis}, {@code memoryMb}, {@code gpus}, {@code capacity}
     * (null if unknown here), {@code running}, {@code lastSeenMs}.
     *
     * @param builtIn    this node's executor (null if it has none): id, name, type, capacity, resources
     * @param running    the processes RUNNING now, for the load
     * @param nodeKeys   ids of the members admitted as nodes
     */
    public List<Map<String, Object>> list(BuiltIn builtIn, List<ProcessView> running, Set<String> nodeKeys,
                                          long nowMs) {
        Map<String, Integer> load = new HashMap<>();
        for (ProcessView p : running) {
            if (p.executorId() != null && p.executorName() != null) {
                load.merge(key(p.executorId(), p.executorName()), 1, Integer::sum);
                Entry e = entry(p.executorId(), p.executorName());
                if (e.type == null) {
                    e.type = p.spec().conditions().executortype();
                }
            }
        }
        if (builtIn != null) {
            Entry e = entry(builtIn.id(), builtIn.name());
            e.type = builtIn.type();
            e.node = builtIn.id();
            e.cpuMillis = builtIn.resources().cpuMillis();
            e.memoryMb = builtIn.resources().memoryMb();
            e.gpus = builtIn.resources().gpus();
            e.lastSeenMs = nowMs;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            boolean isNode = nodeKeys.contains(e.id) || (builtIn != null && builtIn.id().equals(e.id));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id);
            m.put("name", e.name);
            m.put("type", e.type);
            m.put("kind", isNode ? "built-in" : "external");
            m.put("node", isNode ? e.id : e.node);
            m.put("cpuMillis", e.cpuMillis);
            m.put("memoryMb", e.memoryMb);
            m.put("gpus", e.gpus);
            m.put("capacity", builtIn != null && builtIn.id().equals(e.id) && builtIn.name().equals(e.name)
                    ? builtIn.capacity() : null);
            m.put("running", load.getOrDefault(key(e.id, e.name), 0));
            m.put("lastSeenMs", e.lastSeenMs);
            out.add(m);
        }
        out.sort(Comparator.comparing((Map<String, Object> m) -> String.valueOf(m.get("node")))
                .thenComparing(m -> String.valueOf(m.get("type"))).thenComparing(m -> String.valueOf(m.get("name"))));
        return out;
    }

    /**
     * A node's own executor.
     *
     * @param id        the node's member id
     * @param name      the executor name
     * @param type      the executor type
     * @param capacity  processes it runs at once
     * @param resources what it offers
     */
    public record BuiltIn(String id, String name, String type, int capacity, Resources resources) {
    }
}
