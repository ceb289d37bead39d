package io.colony.cli;

import io.colony.node.bench.LedgerBench;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code colony bench ...}: benchmarks that print numbers. {@code all} runs every measurement in one
 * process and prints one table; the others run one measurement each, with more detail.
 */
@Command(name = "bench", description = "Benchmarks ('bench all': every measurement, one table).",
        subcommands = {AllBench.class, BenchCommand.Local.class, ColonyBench.class, EdgeBench.class,
                BenchCommand.Ledger.class})
final class BenchCommand {

    private BenchCommand() {
    }

    /** Progress lines on stderr, {@code # } first, flushed at once. */
    static Consumer<String> progress(CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        return line -> {
            err.println("# " + line);
            err.flush();
        };
    }

    @Command(name = "local", description = {"Measure processes per second through one node, end to end.",
            "Submit over HTTP (signed), claim, run (no-op), close, observed SUCCESS over HTTP."})
    static final class Local implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--processes", defaultValue = "2000", description = "Processes to run (default ${DEFAULT-VALUE}).")
        int processes;
        @Option(names = "--clients", defaultValue = "32", description = "Submitting threads (default ${DEFAULT-VALUE}).")
        int clients;
        @Option(names = "--capacity", defaultValue = "64", description = "Executor slots (default ${DEFAULT-VALUE}).")
        int capacity;
        @Option(names = "--tls", description = "Serve the API over HTTPS (a self-signed certificate the client pins).")
        boolean tls;
        @Option(names = "--latency", description = {"Latency mode: one submission in flight at a time (--processes of them);",
                "time from just before the submit call until the executor starts the process, one clock."})
        boolean latency;

        @Override
        public Integer call() throws Exception {
            if (latency) {
                LocalBench.Latency l = LocalBench.latency(processes, tls, progress(spec));
                PrintWriter out = spec.commandLine().getOut();
                out.printf("processes: %d, one in flight%s%n", l.samples(), tls ? ", API over TLS" : "");
                out.printf("submit to start: p50 %.2f ms, p99 %.2f ms, max %.2f ms (from just before the submit call"
                        + " until the executor starts it, one clock)%n", l.p50Ms(), l.p99Ms(), l.maxMs());
                printCpu(out, l.cpu());
                return 0;
            }
            LocalBench.Result r = LocalBench.run(processes, clients, capacity, tls, progress(spec));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("processes: %d, clients: %d, capacity: %d%s%n", r.processes(), r.clients(), r.capacity(),
                    tls ? ", API over TLS" : "");
            out.printf("submit rate:     %.0f processes/s%n", r.submitRate());
            out.printf("end-to-end rate: %.0f processes/s (%.2f s for all to reach SUCCESS)%n", r.endToEndRate(),
                    r.seconds());
            out.printf("submit to RUNNING: p50 %d ms, p99 %d ms (claim time minus submit time, one clock)%n",
                    r.p50RunningMs(), r.p99RunningMs());
            printCpu(out, r.cpu());
            return 0;
        }

        private static void printCpu(PrintWriter out, LocalBench.CpuPerProcess cpu) {
            out.printf("cpu per process: node %.2f ms, clients %.2f ms (thread CPU times in this JVM)%n", cpu.nodeMs(),
                    cpu.clientMs());
        }
    }

    @Command(name = "ledger", description = {"Measure the ledger: ingest, verify and rebuild rates, heap per process.",
            "Ingest (verify + apply + durable commit, batched) beside the raw Ed25519 verify rate measured in the same run;",
            "rebuild rate on open;",
            "heap per 1,000 processes."})
    static final class Ledger implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--processes", defaultValue = "10000",
                description = "Processes ingested, 6 records each: submit, claim, 2 renewals, log, close (default ${DEFAULT-VALUE}).")
        int processes;
        @Option(names = "--held", defaultValue = "100000",
                description = "Processes held for the heap figure, 0 to skip it (default ${DEFAULT-VALUE}).")
        int held;
        @Option(names = "--batch", defaultValue = "1024", description = "Records per commit (default ${DEFAULT-VALUE}).")
        int batch;
        @Option(names = "--verifiers", description = "Verification threads (default: cores - 1, at least 1).")
        Integer verifiers;

        @Override
        public Integer call() {
            LedgerBench.Result r = LedgerBench.measure(processes, held, batch,
                    verifiers == null ? LedgerBench.defaultVerifiers() : verifiers, progress(spec));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("raw verify (1 core, mean of before and after the ingest): %,.0f records/s%n", r.verifyPerSecond());
            out.printf("ingest (verify on %d thread(s) pipelined with apply + durable commit, batches of %d): %,.0f records/s"
                    + " = %.2f x raw verify%n", r.verifiers(), r.batchSize(), r.ingestPerSecond(), r.ratio());
            out.printf("ingested %,d records of %,d processes in %.2f s, %.2f s waiting for verification%n", r.records(),
                    r.processes(), r.ingestSeconds(), r.verifyWaitSeconds());
            out.printf("rebuild from the store on open: %.2f s = %,.0f records/s%n", r.rebuildSeconds(),
                    r.rebuildPerSecond());
            if (r.heldProcesses() > 0) {
                out.printf("heap: %,d processes (WAITING) held = %,d bytes per 1,000 processes%n", r.heldProcesses(),
                        r.heapPer1000());
            }
            return 0;
        }
    }
}
