package io.colony.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code colony node status}: peers, ledger size, leases held, executor load and memory of a running node. */
@Command(name = "status", description = "Show a running node's peers, ledger size, leases held, executor load, memory.")
final class NodeStatusCommand extends ReadCommand {

    @Override
    public Integer call() {
        return print(client.reading().status(), NodeStatusCommand::human);
    }

    private static void human(PrintWriter out, Map<String, Object> s) {
        out.println("Node:          " + s.get("name") + " (" + s.get("node") + "), version " + s.get("version"));
        out.println("Uptime:        " + seconds(s.get("uptimeMs")) + " s");
        if (s.get("tlsFingerprint") != null) {
            out.println("API TLS:       sha256 " + s.get("tlsFingerprint"));
        }
        out.println("Peers:         " + s.get("peers") + " connected, " + s.get("knownPeers") + " known"
                + (Boolean.TRUE.equals(s.get("isolated")) ? " (ISOLATED: claims nothing new)" : ""));
        out.println("Ledger:        " + s.get("ledgerProcesses") + " processes, " + s.get("heldRecords") + " records held back"
                + (s.get("damagedJournalEntries") instanceof Number n && n.longValue() > 0 ? ", " + n
                + " damaged journal entries skipped (their records come back from peers; colony node repair checks a stopped"
                + " node's data dir)" : ""));
        out.println("Processes:     " + s.get("processes"));
        Object type = s.get("executorType");
        out.println("Executor:      " + (type == null ? "none" : type + ": " + s.get("running") + " running, "
                + s.get("leasesHeld") + " leases held, capacity " + s.get("capacity")));
        out.println("Heap:          " + mib(s.get("heapUsedBytes")) + " MiB used of " + mib(s.get("heapMaxBytes")) + " MiB");
    }

    private static long seconds(Object ms) {
        return ms instanceof Number n ? n.longValue() / 1000 : 0;
    }

    private static long mib(Object bytes) {
        return bytes instanceof Number n ? n.longValue() >> 20 : 0;
    }
}
