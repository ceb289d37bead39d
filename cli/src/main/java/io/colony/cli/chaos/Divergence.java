package io.colony.cli.chaos;

import io.colony.protocol.ProcessEvent;
import io.colony.protocol.ProcessView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Says how nodes' views of one process differ: the history entries not alike on every node, or the fields. */
final class Divergence {
    private static final int MAX_ENTRIES = 6;

    private Divergence() {
    }

    /**
     * @param names the nodes' names
     * @param views each node's view of the process (null where it has none), in the order of {@code names}
     */
    static String describe(List<String> names, List<ProcessView> views) {
        Map<String, List<String>> holders = new LinkedHashMap<>();
        for (int i = 0; i < views.size(); i++) {
            ProcessView v = views.get(i);
            if (v == null) {
                continue;
            }
            for (ProcessEvent e : v.history()) {
                holders.computeIfAbsent(entry(e), k -> new ArrayList<>()).add(names.get(i));
            }
        }
        long present = views.stream().filter(Objects::nonNull).count();
        List<String> differing = new ArrayList<>();
        holders.forEach((entry, on) -> {
            if (on.size() != present) {
                differing.add(entry + " on " + String.join(",", on));
            }
        });
        if (!differing.isEmpty()) {
            int more = differing.size() - MAX_ENTRIES;
            return "records not alike on every node: " + String.join("; ", differing.subList(0,
                    Math.min(MAX_ENTRIES, differing.size()))) + (more > 0 ? "; and " + more + " more" : "");
        }
        List<String> fields = new ArrayList<>();
        ProcessView first = views.stream().filter(Objects::nonNull).findFirst().orElse(null);
        for (int i = 0; i < views.size(); i++) {
            ProcessView v = views.get(i);
            if (first == null || v == null) {
                continue;
            }
            if (!Objects.equals(v.output(), first.output())) {
                fields.add(names.get(i) + " output " + v.output());
            }
            if (!Objects.equals(v.errors(), first.errors())) {
                fields.add(names.get(i) + " errors " + v.errors());
            }
            if (v.leaseUntilMs() != first.leaseUntilMs()) {
                fields.add(names.get(i) + " lease until " + v.leaseUntilMs());
            }
            if (!Objects.equals(v.executorId(), first.executorId())) {
                fields.add(names.get(i) + " executor " + v.executorId());
            }
        }
        return fields.isEmpty() ? "the histories are alike; the views differ in another field"
                : "same records, different fields: " + String.join("; ", fields);
    }

    private static String entry(ProcessEvent e) {
        return e.kind() + " " + shortId(e.recordId()) + " (attempt " + e.attempt() + ", by " + shortId(e.who()) + ": "
                + e.detail() + ")";
    }

    private static String shortId(String id) {
        return id == null ? "-" : id.length() > 12 ? id.substring(0, 12) + "…" : id;
    }
}
