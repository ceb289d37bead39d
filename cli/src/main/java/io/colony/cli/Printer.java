package io.colony.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.colony.protocol.ProcessEvent;
import io.colony.protocol.ProcessView;
import io.colony.sdk.NodeInfo;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;

/** Human and JSON renderings of what the node returns. */
final class Printer {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Printer() {
    }

    static void json(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON: " + e.getOriginalMessage(), e);
        }
    }

    static void process(PrintWriter out, ProcessView p) {
        row(out, "Process", p.id());
        row(out, "State", p.state().name());
        row(out, "FuncName", p.spec().funcname());
        row(out, "Args", String.join(" ", p.spec().args()));
        row(out, "ExecutorType", p.spec().conditions().executortype());
        row(out, "Priority", Integer.toString(p.spec().priority()));
        row(out, "Attempts", p.attempt() + " (maxretries " + p.spec().maxretries() + ")");
        row(out, "Executor", p.executorName() == null ? "-" : p.executorName());
        row(out, "Submitted", time(p.submittedMs()));
        row(out, "Started", time(p.startedMs()));
        row(out, "Ended", time(p.endedMs()));
        if (!p.output().isEmpty()) {
            out.println("Output:");
            p.output().forEach(l -> out.println("  " + l));
        }
        if (!p.errors().isEmpty()) {
            out.println("Errors:");
            p.errors().forEach(l -> out.println("  " + l));
        }
        if (!p.history().isEmpty()) {
            out.println("History:");
            for (ProcessEvent e : p.history()) {
                out.printf("  %s  %-7s attempt %d  %s%n", time(e.timeMs()), e.kind(), e.attempt(),
                        e.detail() == null ? "" : e.detail());
            }
        }
    }

    static void nodeInfo(PrintWriter out, NodeInfo info) {
        out.println("Colony:        " + info.colony());
        out.println("Node:          " + info.node());
        out.println("Name:          " + info.name());
        out.println("Peer id:       " + (info.peerId() == null ? "- (no peer-to-peer network)" : info.peerId()));
        info.addresses().forEach(a -> out.println("Address:       " + a));
        out.println("Peers:         " + info.peers().size());
        out.println("Executors:     " + (info.executorTypes().isEmpty() ? "none"
                : String.join(", ", info.executorTypes()) + " x" + info.capacity()));
        out.println("Version:       " + info.version());
        if (info.tlsFingerprint() != null) {
            out.println("API TLS:       sha256 " + info.tlsFingerprint());
        }
        out.println("Processes:     " + info.processes());
    }

    static void table(PrintWriter out, List<ProcessView> processes) {
        out.printf("%-64s  %-8s  %-12s  %-24s  %s%n", "ID", "STATE", "TYPE", "SUBMITTED", "FUNCNAME ARGS");
        for (ProcessView p : processes) {
            String cmd = p.spec().funcname() + (p.spec().args().isEmpty() ? "" : " " + String.join(" ", p.spec().args()));
            out.printf("%-64s  %-8s  %-12s  %-24s  %s%n", p.id(), p.state(), p.spec().conditions().executortype(),
                    time(p.submittedMs()), cmd.length() > 60 ? cmd.substring(0, 57) + "..." : cmd);
        }
    }

    private static void row(PrintWriter out, String name, String value) {
        out.printf("%-13s %s%n", name + ":", value == null ? "-" : value);
    }

    private static String time(long ms) {
        return ms <= 0 ? "-" : Instant.ofEpochMilli(ms).toString();
    }
}
