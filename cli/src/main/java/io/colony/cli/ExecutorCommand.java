package io.colony.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code colony executor ls}: every executor of the colony, built-in and external. */
@Command(name = "executor", description = "Executors of the colony.", subcommands = ExecutorCommand.Ls.class)
final class ExecutorCommand {

    /** {@code colony executor ls [--json]}. */
    @Command(name = "ls", description = {"List every executor colony-wide, built-in and external.",
            "For each: node, kind, type, name, resources, capacity, processes running, and when it was last",
            "heard from."})
    static final class Ls extends ReadCommand {

        @Override
        public Integer call() {
            return print(client.reading().executors(), Ls::table);
        }

        static void table(PrintWriter out, List<Map<String, Object>> executors) {
            if (executors.isEmpty()) {
                out.println("no executors known");
                return;
            }
            long now = System.currentTimeMillis();
            out.printf("%-10s %-9s %-14s %-24s %-22s %-9s %-8s %s%n", "NODE", "KIND", "TYPE", "NAME", "RESOURCES",
                    "CAPACITY", "RUNNING", "LAST SEEN");
            for (Map<String, Object> e : executors) {
                Object node = e.get("node");
                out.printf("%-10s %-9s %-14s %-24s %-22s %-9s %-8s %s%n",
                        node == null ? "-" : String.valueOf(node).substring(0, Math.min(8, String.valueOf(node).length())),
                        e.get("kind"), e.get("type"), e.get("name"), resources(e),
                        e.get("capacity") == null ? "-" : e.get("capacity"), e.get("running"),
                        ago(now, e.get("lastSeenMs")));
            }
        }

        private static String resources(Map<String, Object> e) {
            long cpu = num(e.get("cpuMillis"));
            long mem = num(e.get("memoryMb"));
            long gpu = num(e.get("gpus"));
            if (cpu == 0 && mem == 0 && gpu == 0) {
                return "none";
            }
            String c = cpu % 1000 == 0 ? Long.toString(cpu / 1000) : cpu + "m";
            String m = mem % 1024 == 0 ? (mem / 1024) + "Gi" : mem + "Mi";
            return "cpu " + c + " mem " + m + (gpu > 0 ? " gpu " + gpu : "");
        }

        private static String ago(long now, Object ms) {
            long t = num(ms);
            if (t <= 0) {
                return "-";
            }
            long s = Math.max(0, (now - t) / 1000);
            return s < 1 ? "now" : s < 120 ? s + " s ago" : s < 7200 ? (s / 60) + " min ago" : (s / 3600) + " h ago";
        }

        private static long num(Object o) {
            return o instanceof Number n ? n.longValue() : 0;
        }
    }
}
