package io.colony.cli;

import io.colony.node.bench.LedgerBench;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code colony bench all}: every measurement in one process, one table. It calls the measuring code of
 * the other bench commands ({@link LocalBench}, {@link ColonyBench.Colony}, {@link LedgerBench},
 * {@link EdgeBench#measure}) with modest sizes, and times a node's start-up from colony.jar in child
 * JVMs ({@link StartupBench}), with and without a class-data archive. Progress goes to stderr, the
 * machine facts and the table to stdout. A measurement that fails is a row saying so (exit status 1);
 * the others still run.
 */
@Command(name = "all", description = {"Run every benchmark and print one table of the results.",
        "The table says what / result / how measured, and the machine it ran on; progress goes to stderr. A few minutes on 2 cores with",
        "the default sizes; the flags scale it up. Run it from the jar to measure the",
        "start-up too: java -jar colony.jar bench all"})
final class AllBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--processes", defaultValue = "2000", description = "Processes through 1 node (default ${DEFAULT-VALUE}).")
    int processes;
    @Option(names = "--clients", defaultValue = "16", description = "Submitting threads (default ${DEFAULT-VALUE}).")
    int clients;
    @Option(names = "--nodes", defaultValue = "5", description = "Nodes of the local colony (default ${DEFAULT-VALUE}).")
    int nodes;
    @Option(names = "--colony-processes", defaultValue = "500",
            description = "Processes through the local colony (default ${DEFAULT-VALUE}).")
    int colonyProcesses;
    @Option(names = "--samples", defaultValue = "300", description = "Records timed for propagation (default ${DEFAULT-VALUE}).")
    int samples;
    @Option(names = "--missed", defaultValue = "2000",
            description = "Records a restarted node of the colony missed (default ${DEFAULT-VALUE}).")
    int missed;
    @Option(names = "--ledger-processes", defaultValue = "5000",
            description = "Processes (6 records each) for ledger ingest (default ${DEFAULT-VALUE}).")
    int ledgerProcesses;
    @Option(names = "--batch", defaultValue = "1024", description = "Records per ledger commit (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--heap-processes", defaultValue = "20000",
            description = "Processes in a node's ledger for the heap figure (default ${DEFAULT-VALUE}).")
    int heapProcesses;
    @Option(names = "--starts", defaultValue = "5", description = "Node starts timed, each way (default ${DEFAULT-VALUE}).")
    int starts;
    @Option(names = "--no-cds", description = "Skip the start-up with a class-data archive.")
    boolean noCds;
    @Option(names = "--json", description = "Print the machine and the rows as JSON.")
    boolean json;

    /**
     * One row of the table.
     *
     * @param what   what is measured
     * @param result the numbers
     * @param how    how they were measured
     * @param values the numbers for {@code --json}
     */
    record Row(String what, String result, String how, Map<String, Object> values) {
    }

    private final List<Row> rows = new ArrayList<>();
    private boolean failed;

    @Override
    public Integer call() throws Exception {
        if (processes < 1 || clients < 1 || nodes < 2 || colonyProcesses < 1 || samples < 1 || missed < 1
                || ledgerProcesses < 1 || batch < 1 || heapProcesses < 1 || starts < 1) {
            throw new IllegalArgumentException("--nodes must be >= 2, the other sizes >= 1");
        }
        Consumer<String> progress = BenchCommand.progress(spec);
        Map<String, Object> machine = machine();
        long t0 = System.nanoTime();
        progress.accept("bench all on " + machine.get("cores") + " cores, load average " + machine.get("loadAverage"));
        startUp(progress);
        ledger(progress);
        local(progress);
        edge(progress);
        colony(progress);
        machine.put("seconds", Math.round((System.nanoTime() - t0) / 1e9));
        machine.put("loadAverageAtEnd", loadAverage());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("machine", machine);
            all.put("rows", rows);
            Printer.json(out, all);
        } else {
            print(out, machine);
        }
        out.flush();
        return failed ? Main.EXIT_ERROR : 0;
    }

    // ---------------------------------------------------------------- measurements

    private void startUp(Consumer<String> progress) {
        String what = "start-up: main to API listening, `-Xmx64m`";
        Path jar = CdsArchive.runningJar();
        if (jar == null) {
            progress.accept("[1/7] start-up: not measured, not running from colony.jar");
            progress.accept("[2/7] start-up with a class-data archive: not measured either");
            row(what, "not measured: not running from colony.jar", "run `java -jar colony.jar bench all`", Map.of());
            if (!noCds) {
                row("start-up with an AppCDS archive", "not measured: not running from colony.jar",
                        "run `java -jar colony.jar bench all`", Map.of());
            }
            return;
        }
        String how = "`java -Xmx64m -jar colony.jar node start` on a temp data dir (network and API on loopback), "
                + "its log line `API listening N ms after main (M ms after the JVM, C ms of cpu)`; median of " + starts
                + " starts after 1 uncounted";
        measure("[1/7] start-up of " + starts + " nodes from " + jar.getFileName() + " in child JVMs", progress, () -> {
            StartupBench.Result r = StartupBench.measure(jar, List.of(), starts, progress);
            row(what, startText(r), how, startValues(r));
        }, what, how);
        if (noCds) {
            return;
        }
        String cdsWhat = "start-up with an AppCDS archive, `-Xmx64m`";
        measure("[2/7] start-up with a class-data archive", progress, () -> {
            Path dir = Files.createTempDirectory("colony-cds");
            try {
                progress.accept("start-up: making a class-data archive (colony node cds-archive)");
                CdsArchive.Created c = CdsArchive.create(jar, dir.resolve("colony.jsa"));
                StartupBench.Result r = StartupBench.measure(jar, CdsArchive.useFlags(c.file()), starts, progress);
                Map<String, Object> v = startValues(r);
                v.put("archiveBytes", c.bytes());
                row(cdsWhat, startText(r), String.format(Locale.ROOT, "the same with `-XX:SharedArchiveFile` of an "
                        + "archive made by `colony node cds-archive` (%.0f MB, %.1f s to make)", c.bytes() / 1e6,
                        c.seconds()), v);
            } finally {
                BenchSupport.deleteTree(dir);
            }
        }, cdsWhat, "");
    }

    private static String startText(StartupBench.Result r) {
        return String.format(Locale.ROOT, "%d ms from main (%d ms from the JVM start, %d ms cpu); fastest %d ms",
                r.medianMainMs(), r.medianJvmMs(), r.medianCpuMs(), r.minMainMs());
    }

    private static Map<String, Object> startValues(StartupBench.Result r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("mainToApiMsMedian", r.medianMainMs());
        v.put("jvmToApiMsMedian", r.medianJvmMs());
        v.put("cpuMsMedian", r.medianCpuMs());
        v.put("mainToApiMsMin", r.minMainMs());
        v.put("starts", r.starts().size());
        return v;
    }

    private void ledger(Consumer<String> progress) {
        String what = "ledger ingest: verify + apply + durable commit";
        measure("[3/7] ledger: ingest of " + ledgerProcesses * LedgerBench.RECORDS_PER_PROCESS + " records", progress, () -> {
            LedgerBench.Result r = LedgerBench.measure(ledgerProcesses, 0, batch, LedgerBench.defaultVerifiers(), progress);
            row("raw Ed25519 verify, 1 core", String.format(Locale.ROOT, "%,.0f records/s", r.verifyPerSecond()),
                    "`Records.verify` of up to 20,000 signed records, before and after the ingest (mean), same run",
                    Map.of("recordsPerSecond", Math.round(r.verifyPerSecond())));
            row(what, String.format(Locale.ROOT, "%,.0f records/s = %.2f x raw verify", r.ingestPerSecond(), r.ratio()),
                    String.format(Locale.ROOT, "%,d records (%,d process lifecycles: submit, claim, 2 renewals, log, close) "
                            + "in batches of %d, verify on %d thread(s) pipelined with apply; journal synced per commit",
                            r.records(), r.processes(), r.batchSize(), r.verifiers()),
                    Map.of("recordsPerSecond", Math.round(r.ingestPerSecond()), "ratioToVerify", round2(r.ratio())));
            row("ledger rebuild on open", String.format(Locale.ROOT, "%,.0f records/s", r.rebuildPerSecond()),
                    "a new ledger over that store (what a restart replays)",
                    Map.of("recordsPerSecond", Math.round(r.rebuildPerSecond())));
        }, what, "");
    }

    private void local(Consumer<String> progress) {
        String what = "processes/s end to end, 1 node, no-op executor";
        measure("[4/7] 1 node: " + processes + " processes end to end", progress, () -> {
            LocalBench.Result r = LocalBench.run(processes, clients, 64, progress);
            row(what, String.format(Locale.ROOT, "%.0f /s (submit %.0f /s)", r.endToEndRate(), r.submitRate()),
                    String.format(Locale.ROOT, "%,d signed submits over HTTP from %d clients until all SUCCESS over HTTP; "
                            + "every commit durable", r.processes(), r.clients()),
                    Map.of("processesPerSecond", Math.round(r.endToEndRate()), "submitsPerSecond", Math.round(r.submitRate())));
            row("submit-to-RUNNING latency, 1 node", String.format(Locale.ROOT, "p50 %d ms, p99 %d ms", r.p50RunningMs(),
                    r.p99RunningMs()), "claim time minus submit time of those processes (one clock)",
                    Map.of("p50Ms", r.p50RunningMs(), "p99Ms", r.p99RunningMs()));
            row("cpu per process, 1 node", String.format(Locale.ROOT, "node %.2f ms, clients %.2f ms", r.cpu().nodeMs(),
                    r.cpu().clientMs()), "thread CPU times in this JVM during that run (clients: submitting and HTTP "
                            + "client threads; node: the rest)",
                    Map.of("nodeMs", round2(r.cpu().nodeMs()), "clientMs", round2(r.cpu().clientMs())));
            LocalBench.Latency l = LocalBench.latency(Math.min(processes, 1000), false, progress);
            row("submit-to-start latency, 1 node, one in flight", String.format(Locale.ROOT,
                    "p50 %.2f ms, p99 %.2f ms", l.p50Ms(), l.p99Ms()), String.format(Locale.ROOT,
                    "%,d processes one after the other: just before the submit call until the executor starts it",
                    l.samples()), Map.of("p50Ms", round2(l.p50Ms()), "p99Ms", round2(l.p99Ms())));
        }, what, "");
    }

    private void edge(Consumer<String> progress) {
        String what = "heap per 1,000 processes in a node's ledger";
        measure("[5/7] heap: " + heapProcesses + " processes in a node", progress, () -> {
            EdgeBench.Result r = EdgeBench.measure(heapProcesses, 1000, 100, progress);
            row(what, String.format(Locale.ROOT, "%d KiB (%d bytes per process)", r.heapPer1000() >> 10,
                    r.heapPer1000() / 1000), String.format(Locale.ROOT, "heap used after GC before and after %,d WAITING "
                            + "processes (1 record each) went into a running node with an executor", r.processes()),
                    Map.of("bytesPer1000", r.heapPer1000()));
            row("node restart with those processes", String.format(Locale.ROOT, "%.0f ms (empty ledger: %.0f ms)",
                    r.fullStartMs(), r.emptyStartMs()), String.format(Locale.ROOT, "`Node.start` in this JVM, "
                            + "replaying %,d processes", r.afterRestart()),
                    Map.of("fullMs", Math.round(r.fullStartMs()), "emptyMs", Math.round(r.emptyStartMs())));
        }, what, "");
    }

    private void colony(Consumer<String> progress) {
        String what = "processes/s end to end, " + nodes + " nodes";
        measure("[6/7] " + nodes + " nodes in this JVM", progress, () -> {
            try (ColonyBench.Colony c = ColonyBench.Colony.start(nodes, 256, progress)) {
                progress.accept("[7/7] " + nodes + " nodes: propagation, throughput, catch-up");
                measure(null, progress, () -> {
                    ColonyBench.Propagation p = c.propagation(samples, progress);
                    row("record propagation, " + nodes + " nodes", String.format(Locale.ROOT,
                            "to every node p50 %.1f ms, p99 %.1f ms (to one node p50 %.1f ms, p99 %.1f ms)", p.allP50Ms(),
                            p.allP99Ms(), p.oneP50Ms(), p.oneP99Ms()), String.format(Locale.ROOT, "%d records submitted "
                                    + "one at a time on each node in turn, until every other node stored it", p.samples()),
                            Map.of("allP50Ms", round2(p.allP50Ms()), "allP99Ms", round2(p.allP99Ms()),
                                    "oneP50Ms", round2(p.oneP50Ms()), "oneP99Ms", round2(p.oneP99Ms())));
                }, "record propagation, " + nodes + " nodes", "");
                measure(null, progress, () -> {
                    ColonyBench.Throughput t = c.throughput(colonyProcesses, clients, progress);
                    row(what, String.format(Locale.ROOT, "%.0f /s (submit %.0f /s)", t.endToEndRate(), t.submitRate()),
                            String.format(Locale.ROOT, "%,d signed submits over HTTP spread over the nodes from %d clients, "
                                    + "no-op executors on every node (each claim settles 1 s), until all SUCCESS; runs per "
                                    + "node %s", t.processes(), t.clients(), t.runsPerNode().values()),
                            Map.of("processesPerSecond", Math.round(t.endToEndRate()),
                                    "submitsPerSecond", Math.round(t.submitRate())));
                }, what, "");
                measure(null, progress, () -> {
                    ColonyBench.CatchUp u = c.catchUp(missed, progress);
                    row("catch-up of a restarted node, " + nodes + " nodes", String.format(Locale.ROOT,
                            "%.2f s for %,d records (%,.0f records/s)", u.seconds(), u.missed(), u.recordsPerSecond()),
                            "a node stopped, the others took records, it restarted: time until it had them all",
                            Map.of("seconds", round2(u.seconds()), "recordsPerSecond", Math.round(u.recordsPerSecond())));
                }, "catch-up of a restarted node", "");
            }
        }, "local colony of " + nodes + " nodes", "");
    }

    // ---------------------------------------------------------------- helpers

    /** A measurement that may throw. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** Runs a step; if it fails, a row says so and the command exits 1 at the end. */
    private void measure(String title, Consumer<String> progress, Step step, String what, String how) {
        if (title != null) {
            progress.accept(title);
        }
        try {
            step.run();
        } catch (Exception | AssertionError | LinkageError e) {
            failed = true;
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            progress.accept("FAILED: " + what + ": " + msg);
            row(what, "FAILED: " + msg.lines().findFirst().orElse(""), how, Map.of());
        }
    }

    private void row(String what, String result, String how, Map<String, Object> values) {
        rows.add(new Row(what, result, how, values));
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                .format(Instant.now().atOffset(ZoneOffset.UTC)));
        m.put("colony", new Main.Version().getVersion()[0]);
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        m.put("loadAverage", loadAverage());
        return m;
    }

    /** "1-min 5-min 15-min" from /proc/loadavg, else the 1-minute figure the JVM reports. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            if (f.length >= 3) {
                return f[0] + " " + f[1] + " " + f[2];
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", l);
    }

    private void print(PrintWriter out, Map<String, Object> m) {
        out.printf("%s, %s: %s cores, %s, %s, max heap %s MiB%n", m.get("colony"), m.get("date"), m.get("cores"),
                m.get("jvm"), m.get("os"), m.get("maxHeapMiB"));
        out.printf("load average at start (1, 5, 15 min): %s; at the end: %s; took %s s%n%n", m.get("loadAverage"),
                m.get("loadAverageAtEnd"), m.get("seconds"));
        int w = "what".length();
        int r = "result".length();
        for (Row row : rows) {
            w = Math.max(w, row.what().length());
            r = Math.max(r, row.result().length());
        }
        String fmt = "| %-" + w + "s | %-" + r + "s | %s |%n";
        out.printf(fmt, "what", "result", "how measured");
        out.println("|" + "-".repeat(w + 2) + "|" + "-".repeat(r + 2) + "|---|");
        for (Row row : rows) {
            out.printf(fmt, row.what(), row.result(), row.how());
        }
    }
}
