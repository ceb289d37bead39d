package io.colony.node.metrics;

import io.colony.protocol.ProcessState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's metrics (Micrometer, rendered in the Prometheus text format). Counters and the commit
 * timer are updated as records are applied; gauges read a {@link Snapshot} that the node refreshes on
 * its ledger loop just before each scrape, so no metric ever touches the ledger from another thread.
 *
 * <p>Names: {@code colony_processes{state}}, {@code colony_processes_running},
 * {@code colony_leases_held}, {@code colony_executor_capacity}, {@code colony_ledger_processes},
 * {@code colony_ledger_held_records}, {@code colony_peers}, {@code colony_records_ingested_total},
 * {@code colony_records_refused_total{source}}, {@code colony_ledger_commit_seconds} (p50, p99, count,
 * sum), {@code colony_gossip_published_records_total}, {@code colony_sync_pulled_records_total},
 * {@code colony_start_seconds}, and the JVM's ({@code jvm_memory_used_bytes}, threads, cpu, uptime).
 */
public final class NodeMetrics {

    /** Content type of {@link #scrape()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** Where records applied by {@link #applied} came from (records from peers are counted by the replication). */
    public enum Source {
        /** HTTP API clients */
        CLIENT,
        /** this node's own executor and timeouts */
        LOCAL
    }

    /**
     * Ledger-side values, taken on the ledger loop.
     *
     * @param processes     processes per state
     * @param ledgerProcesses known processes
     * @param heldRecords   records held back (waiting for their Submit or Admit)
     * @param leasesHeld    attempts this node's executor has claimed or runs
     * @param running       processes running on this node
     * @param peers         connected member peers
     * @param pulledRecords records received through anti-entropy so far
     */
    public record Snapshot(Map<ProcessState, Long> processes, long ledgerProcesses, long heldRecords, long leasesHeld,
                           long running, long peers, long pulledRecords) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<ProcessState, AtomicLong> processes = new EnumMap<>(ProcessState.class);
    private final Counter ingested;
    private final Map<Source, Counter> refused = new EnumMap<>(Source.class);
    private final AtomicLong ledgerProcesses = new AtomicLong();
    private final AtomicLong heldRecords = new AtomicLong();
    private final AtomicLong leasesHeld = new AtomicLong();
    private final AtomicLong running = new AtomicLong();
    private final AtomicLong peers = new AtomicLong();
    private final AtomicLong pulled = new AtomicLong();
    private final AtomicLong startMillis = new AtomicLong();
    private final Counter published;
    private final Timer commit;
    private boolean jvmBound;

    /** @param capacity processes the node's executor runs in parallel (0 without an executor) */
    public NodeMetrics(int capacity) {
        for (ProcessState s : ProcessState.values()) {
            AtomicLong v = new AtomicLong();
            processes.put(s, v);
            Gauge.builder("colony.processes", v, AtomicLong::get).tag("state", s.name())
                    .description("Processes in the ledger by state").register(registry);
        }
        for (Source s : Source.values()) {
            String tag = s.name().toLowerCase(Locale.ROOT);
            refused.put(s, Counter.builder("colony.records.refused").tag("source", tag)
                    .description("Records refused (bad signature, not a member, malformed)").register(registry));
        }
        ingested = Counter.builder("colony.records.ingested")
                .description("Records newly stored in the ledger, from clients, this node and peers").register(registry);
        gauge("colony.ledger.processes", ledgerProcesses, "Processes known to the ledger");
        gauge("colony.ledger.held.records", heldRecords, "Records held back until their Submit or Admit arrives");
        gauge("colony.leases.held", leasesHeld, "Attempts claimed or running on this node's executor");
        gauge("colony.processes.running", running, "Processes running on this node");
        gauge("colony.peers", peers, "Connected member peers");
        Gauge.builder("colony.executor.capacity", () -> capacity).description("Processes run in parallel")
                .register(registry);
        Gauge.builder("colony.start.seconds", startMillis, v -> v.get() / 1000.0)
                .description("Time from main (or the JVM start) to the API listening").register(registry);
        FunctionCounter.builder("colony.sync.pulled.records", pulled, AtomicLong::get)
                .description("Records received through anti-entropy").register(registry);
        published = Counter.builder("colony.gossip.published.records")
                .description("Records this node published to its peers").register(registry);
        commit = Timer.builder("colony.ledger.commit").publishPercentiles(0.5, 0.99)
                .description("Time to apply and durably commit one batch of records").register(registry);
    }

    /**
     * Registers the JVM's meters (memory, threads, cpu, uptime) at the first scrape rather than at
     * start-up: they load the management and container-metrics classes, which a starting node does
     * not need yet.
     */
    private synchronized void bindJvmMetrics() {
        if (jvmBound) {
            return;
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        jvmBound = true;
    }

    private void gauge(String name, AtomicLong value, String description) {
        Gauge.builder(name, value, AtomicLong::get).description(description).register(registry);
    }

    /** A record was newly stored in the ledger (from any source). */
    public void stored() {
        ingested.increment();
    }

    /** One batch of client or local records was applied and committed in {@code nanos}. */
    public void applied(Source source, int refusedCount, long nanos) {
        if (refusedCount > 0) {
            refused.get(source).increment(refusedCount);
        }
        commit.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** {@code n} records went out to the peer-to-peer network. */
    public void published(int n) {
        published.increment(n);
    }

    /** The node took {@code millis} from main (or the JVM start) to its API listening. */
    public void started(long millis) {
        startMillis.set(millis);
    }

    /** Takes new ledger-side values (call on the ledger loop). */
    public void update(Snapshot s) {
        for (ProcessState state : ProcessState.values()) {
            processes.get(state).set(s.processes().getOrDefault(state, 0L));
        }
        ledgerProcesses.set(s.ledgerProcesses());
        heldRecords.set(s.heldRecords());
        leasesHeld.set(s.leasesHeld());
        running.set(s.running());
        peers.set(s.peers());
        pulled.set(s.pulledRecords());
    }

    /** Every metric in the Prometheus text format ({@link #CONTENT_TYPE}). */
    public String scrape() {
        bindJvmMetrics();
        return registry.scrape();
    }
}
