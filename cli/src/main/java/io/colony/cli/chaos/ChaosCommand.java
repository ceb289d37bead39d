package io.colony.cli.chaos;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import io.colony.cli.DurationConverter;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code colony chaos ...}: chaos testing with real node processes. */
@Command(name = "chaos", description = "Chaos testing: real nodes on loopback, killed and restarted while they work.",
        subcommands = ChaosCommand.Run.class)
public final class ChaosCommand {

    private ChaosCommand() {
    }

    /** {@code colony chaos run}. Exit status 0 if every invariant held, 1 otherwise. */
    @Command(name = "run", description = {
            "Kill and restart node processes while they work, then check that nothing was lost.",
            "Start N node processes on loopback, submit M sleeps to random nodes, SIGKILL a random node",
            "every --kill-every (a majority stays up) and restart it on its data dir, then check that every",
            "process ended, none was lost, none ran on two executors at once, and all ledgers are identical.",
            "Exit status 1 on any violation."})
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--nodes", defaultValue = "5", paramLabel = "N", description = "Node processes (default ${DEFAULT-VALUE}).")
        int nodes;
        @Option(names = "--processes", defaultValue = "200", paramLabel = "M", description = "Processes submitted (default ${DEFAULT-VALUE}).")
        int processes;
        @Option(names = "--kill-every", defaultValue = "3s", paramLabel = "TIME", converter = DurationConverter.class,
                description = "Kill a node this often, e.g. 500ms, 3s, 1m (default ${DEFAULT-VALUE}).")
        Duration killEvery;
        @Option(names = "--duration", defaultValue = "2m", paramLabel = "TIME", converter = DurationConverter.class,
                description = "Longest time to keep killing; stops earlier once every process ended (default ${DEFAULT-VALUE}).")
        Duration duration;
        @Option(names = "--seed", paramLabel = "N", description = "Seed of the random choices (default: random, printed).")
        Long seed;
        @Option(names = "--data", paramLabel = "DIR", description = "Empty directory for the nodes' data dirs (default: a temporary one).")
        Path data;
        @Option(names = "--keep", description = "Keep the data dirs (journals, ledgers, node logs); always kept on a violation.")
        boolean keep;
        @Option(names = "--capacity", defaultValue = "4", paramLabel = "N", description = "Processes each node runs in parallel (default ${DEFAULT-VALUE}).")
        int capacity;
        @Option(names = "--lease-ms", defaultValue = "3000", paramLabel = "MS", description = "Lease length of the nodes (default ${DEFAULT-VALUE}).")
        long leaseMs;
        @Option(names = "--max-sleep-ms", defaultValue = "1000", paramLabel = "MS",
                description = "Longest sleep of a process; sleeps are uniform in [MS/5, MS] (default ${DEFAULT-VALUE}).")
        long maxSleepMs;
        @Option(names = "--settle-timeout", defaultValue = "3m", paramLabel = "TIME", converter = DurationConverter.class,
                description = "After the killing, how long to wait for every ledger to agree (default ${DEFAULT-VALUE}).")
        Duration settleTimeout;

        @Override
        public Integer call() {
            long s = seed != null ? seed : ThreadLocalRandom.current().nextLong();
            ChaosSettings settings = new ChaosSettings(nodes, processes, killEvery, duration, s, data, keep, capacity,
                    leaseMs, maxSleepMs, settleTimeout);
            PrintWriter out = spec.commandLine().getOut();
            ChaosReport report;
            try (ChaosRunner runner = new ChaosRunner(settings, out)) {
                report = runner.run();
                report.print(out);
            }
            return report.passed() ? 0 : 1;
        }
    }
}
