package io.colony.simulations;

import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.ProcessSummary;
import io.colony.protocol.Hex;
import io.colony.protocol.RecordKind;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * What a run produced: outcomes, double executions, propagation and traffic figures, convergence
 * time after the partition healed, violations, the trace hash and the wall-clock time.
 *
 * @param config the configuration
 * @param submitted processes submitted
 * @param succeeded processes SUCCESS at node 0 at the end
 * @param failed processes FAILED at node 0 at the end
 * @param lost processes unknown or not final at node 0 at the end
 * @param runsStarted attempts started by executors
 * @param overlaps every overlap of two runs of one process, with its cause (each also a violation)
 * @param crashes node crashes
 * @param records records created
 * @param recordsByKind records created, by kind (how many Claims per process, etc.)
 * @param recordsEverywhere records that reached every node
 * @param p50AllMs median time for a record to reach every node
 * @param p99AllMs 99th percentile of that time
 * @param p50CleanMs median, for records created while no partition or crash was in effect
 * @param p99CleanMs 99th percentile of the same
 * @param messagesPerNode messages sent per node (gossip RPCs, sync requests and answers, dials)
 * @param bytesPerNode payload bytes sent per node
 * @param convergenceMs time after the partition healed until every live node held every record
 *                      created before the heal (-1 if no partition)
 * @param forgedInjected forged records injected
 * @param violations broken invariants
 * @param virtualMs virtual duration of the run
 * @param events scheduler events executed
 * @param wallMs wall-clock time of the run
 * @param traceHash SHA-256 of the trace
 * @param cronTicks cron ticks that made a process (with {@link Simulation#withCron})
 * @param cronSignatures signatures of tick submissions, summed over the nodes that signed each
 */
public record SimReport(SimConfig config, int submitted, long succeeded, long failed, long lost, long runsStarted,
                        List<DoubleExecution> overlaps, long crashes, long records,
                        Map<RecordKind, Long> recordsByKind, long recordsEverywhere, long p50AllMs, long p99AllMs, long p50CleanMs, long p99CleanMs,
                        double messagesPerNode, double bytesPerNode, long convergenceMs, int forgedInjected,
                        List<Violation> violations, long virtualMs, long events, long wallMs, String traceHash,
                        long cronTicks, long cronSignatures) {

    static SimReport of(Simulation sim, long wallMs) {
        long ok = 0;
        long failed = 0;
        long lost = 0;
        Ledger ledger = sim.referenceLedger();
        for (String pid : sim.submitted()) {
            ProcessSummary s = ledger == null ? null : ledger.summary(Hex.decode(pid, 32, "process id")).orElse(null);
            if (s == null || !s.state().isFinal()) {
                lost++;
            } else if (s.state() == io.colony.protocol.ProcessState.SUCCESS) {
                ok++;
            } else {
                failed++;
            }
        }
        Propagation p = sim.propagation();
        SimConfig c = sim.config();
        return new SimReport(c, sim.submitted().size(), ok, failed, lost, sim.executions().started(),
                sim.doubleExecutions(), sim.crashes(), p.created(),
                Map.copyOf(sim.createdByKind()), p.complete(),
                Propagation.quantile(p.allTimes(), 0.5), Propagation.quantile(p.allTimes(), 0.99),
                Propagation.quantile(p.cleanTimes(), 0.5), Propagation.quantile(p.cleanTimes(), 0.99),
                mean(sim.messages()), mean(sim.bytes()), sim.convergenceMs(), sim.forgedInjected(), sim.violations(),
                sim.scheduler().now() - Simulation.START_MS, sim.scheduler().executed(), wallMs, sim.trace().hash(),
                sim.cronStats()[0], sim.cronStats()[1]);
    }

    private static double mean(long[] values) {
        long sum = 0;
        for (long v : values) {
            sum += v;
        }
        return values.length == 0 ? 0 : (double) sum / values.length;
    }

    /** Copies the lists. */
    public SimReport {
        overlaps = List.copyOf(overlaps);
        violations = List.copyOf(violations);
    }

    /** How many double executions happened, whatever their cause. */
    public long doubleExecutions() {
        return overlaps.size();
    }

    /** Double executions by cause. */
    public Map<DoubleExecution.Cause, Long> doubleExecutionsByCause() {
        Map<DoubleExecution.Cause, Long> byCause = new java.util.EnumMap<>(DoubleExecution.Cause.class);
        overlaps.forEach(d -> byCause.merge(d.cause(), 1L, Long::sum));
        return byCause;
    }

    /** The violations of invariants other than single live lease (those are {@link #overlaps()}). */
    public List<Violation> otherViolations() {
        return violations.stream().filter(v -> !v.invariant().equals(Simulation.SINGLE_LIVE_LEASE)).toList();
    }

    /** True if no invariant was broken. */
    public boolean ok() {
        return violations.isEmpty();
    }

    /** The human-readable report. */
    public String format() {
        StringBuilder b = new StringBuilder();
        line(b, "nodes %d (executors %d x%d), seed %d, virtual %.1f s, %d events, wall %.1f s", config.nodes(),
                config.executors(), config.capacity(), config.seed(), virtualMs / 1000.0, events, wallMs / 1000.0);
        line(b, "processes: submitted %d, succeeded %d, failed %d, lost %d; runs started %d", submitted, succeeded,
                failed, lost, runsStarted);
        line(b, "double executions: %d (violations), by cause %s; crashes %d", doubleExecutions(),
                doubleExecutionsByCause(), crashes);
        line(b, "records: %d created, %d reached every node; by kind %s", records, recordsEverywhere,
                new java.util.TreeMap<>(recordsByKind));
        line(b, "time to reach every node: p50 %d ms, p99 %d ms (fault-free periods: p50 %d ms, p99 %d ms)",
                p50AllMs, p99AllMs, p50CleanMs, p99CleanMs);
        double perRecord = records == 0 ? 0 : messagesPerNode / records;
        line(b, "traffic per node: %.0f messages, %.1f KiB; per node per record: %.2f messages, %.0f bytes",
                messagesPerNode, bytesPerNode / 1024, perRecord, records == 0 ? 0 : bytesPerNode / records);
        line(b, "convergence after the partition healed: %s", convergenceMs < 0 ? "n/a" : convergenceMs + " ms");
        line(b, "forged records injected %d, stored anywhere: %s", forgedInjected,
                violations.stream().anyMatch(v -> v.invariant().equals("authenticity")) ? "YES" : "0");
        if (cronTicks > 0) {
            line(b, "cron: %d ticks, each made exactly one process; %.2f nodes signed each tick (same id, collapsed)",
                    cronTicks, (double) cronSignatures / cronTicks);
        }
        line(b, "trace hash %s", traceHash);
        if (violations.isEmpty()) {
            line(b, "invariants: all held");
        }
        boolean overlapTraced = false;
        for (Violation v : violations) {
            line(b, "VIOLATION %s", v.headline());
            boolean overlap = v.invariant().equals(Simulation.SINGLE_LIVE_LEASE);
            if (overlap && overlapTraced) {
                continue; // the trace of the first overlap is enough; the others have their line
            }
            overlapTraced |= overlap;
            for (String t : v.trace()) {
                line(b, "  | %s", t);
            }
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String format, Object... args) {
        b.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
