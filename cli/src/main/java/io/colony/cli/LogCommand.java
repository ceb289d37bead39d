package io.colony.cli;

import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.sdk.ColonyClient;
import io.colony.sdk.ProcessLogs;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code colony log ...}: process logs. */
@Command(name = "log", description = "Read process logs (stdout and stderr lines).", subcommands = {LogCommand.Get.class, LogCommand.Follow.class})
final class LogCommand {

    private LogCommand() {
    }

    /** Line {@code i}, with its time and stream first if {@code long_} and the node sent them. */
    static String line(ProcessLogs logs, int i, boolean long_) {
        if (!long_ || logs.entries().size() != logs.lines().size()) {
            return logs.lines().get(i);
        }
        io.colony.protocol.LogLine l = logs.entries().get(i);
        return java.time.Instant.ofEpochMilli(l.timeMs()) + " " + l.stream() + " " + l.line();
    }

    @Command(name = "get", description = {"Print the log lines of a process, oldest first.",
            "--json shows each line's time, stream (stdout or stderr) and attempt; --long shows them in the text."})
    static final class Get extends ReadCommand {
        @Parameters(paramLabel = "ID", description = "Process id.")
        String id;
        @Option(names = {"-l", "--long"}, description = "Print each line's time and stream (stdout or stderr) before it.")
        boolean long_;

        @Override
        public Integer call() {
            ColonyClient c = client.reading();
            return print(c.logs(c.resolveId("process", id)), (out, logs) -> {
                for (int i = 0; i < logs.lines().size(); i++) {
                    out.println(line(logs, i, long_));
                }
                if (logs.droppedLines() > 0) {
                    spec.commandLine().getErr().println("colony: " + logs.droppedLines() + " older lines were dropped");
                }
            });
        }
    }

    @Command(name = "follow", description = {"Print the log lines of a process as they arrive, until it ends.",
            "Then, if it failed, its errors on stderr. Exit 0 if it succeeded, 1 if it failed. Works on any node of the colony.",
            "The node tells when lines arrive (its event stream): no polling."})
    static final class Follow implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "ID", description = "Process id.")
        String id;
        @Option(names = "--interval-ms", paramLabel = "MS", defaultValue = "500", hidden = true,
                description = "Ignored (kept for old scripts): lines arrive through the node's event stream.")
        long intervalMs;
        @Option(names = {"-l", "--long"}, description = "Print each line's time and stream (stdout or stderr) before it.")
        boolean long_;
        @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "0", converter = DurationConverter.class,
                description = "Give up after this long: 90s, 5m, 1h; a bare number is seconds"
                        + " (exit status 3; default 0: follow until the process ends).")
        java.time.Duration timeout;

        @Override
        public Integer call() {
            long timeoutSeconds = WaitTimeout.checked(spec, "--timeout", timeout, 0, 365L * 86_400);
            ColonyClient c = client.reading();
            String full = c.resolveId("process", id);
            PrintWriter out = spec.commandLine().getOut();
            long[] seen = {print(c.logs(full), 0, out)};
            Runnable more = () -> seen[0] = print(c.logs(full), seen[0], out);
            long seconds = timeoutSeconds == 0 ? 365L * 86_400 : timeoutSeconds;
            // the node says when lines were stored ('log' events) and when the process ended: no polling
            TimedOutException.waiting(seconds, () -> {
                c.watch(full, java.time.Duration.ofSeconds(seconds), e -> more.run(), more);
                return null;
            });
            ProcessView p = c.get(full);
            print(c.logs(full), seen[0], out); // lines stored with the close
            if (p.state() == ProcessState.SUCCESS) {
                return 0;
            }
            spec.commandLine().getErr().println("colony: process " + p.id() + " FAILED: "
                    + (p.errors().isEmpty() ? "no reason given" : String.join("; ", p.errors())));
            return ProcessCommand.EXIT_FAILED;
        }

        /** Prints the lines past the first {@code seen} ever written; returns the new count. */
        private long print(ProcessLogs logs, long seen, PrintWriter out) {
            long first = logs.droppedLines();
            if (first > seen) {
                spec.commandLine().getErr().println("colony: " + (first - seen) + " lines were dropped (log cap)");
                seen = first;
            }
            for (int i = (int) (seen - first); i < logs.lines().size(); i++) {
                out.println(line(logs, i, long_));
            }
            out.flush();
            return first + logs.lines().size();
        }
    }
}
