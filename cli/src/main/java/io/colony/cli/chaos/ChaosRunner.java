package io.colony.cli.chaos;

import io.colony.node.cluster.JoinToken;
import io.colony.node.runtime.ExecutionJournal;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.pb.Role;
import io.colony.sdk.NodeInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chaos run on real node processes: starts {@code nodes} {@code colony node start} JVMs on
 * loopback (the first joins with an owner's token, the others with theirs, bootstrapping from it),
 * submits {@code processes} sleeps to random nodes, SIGKILLs a random node every
 * {@code killEvery} and restarts it on the same data dir a little later (a majority stays up),
 * then restarts every node, waits for every ledger to show every process ended and identical,
 * stops the nodes and checks the executors' journals: no process ran on two executors at once.
 *
 * <p>Every spawned JVM is killed on {@link #close()} and by a shutdown hook, whatever happens.
 */
final class ChaosRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChaosRunner.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration MESH_TIMEOUT = Duration.ofSeconds(60);
    private static final long POLL_MS = 200;
    /** Most violations of one kind listed in the report. */
    private static final int MAX_LISTED = 10;
    private static final int MAX_SUBMIT_FAILURES = 20;
    /** Submits in flight at once (the nodes commit concurrent submits together). */
    private static final int SUBMIT_BATCH = 8;

    private final ChaosSettings settings;
    private final PrintWriter progress;
    private final Random random;
    private final Identity owner = Identity.generate();
    private final Path root;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final Map<NodeProcess, CompletableFuture<Boolean>> restarting = new LinkedHashMap<>();
    private final ExecutorService restarters = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "chaos-restart");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService submitters = Executors.newFixedThreadPool(SUBMIT_BATCH, r -> {
        Thread t = new Thread(r, "chaos-submit");
        t.setDaemon(true);
        return t;
    });
    private final Thread cleanup;
    private final List<String> violations = new ArrayList<>();
    private int kills;
    private int submitFailures;
    private long submitStart;
    private boolean finished;

    /**
     * @param progress where progress lines go (one line per start, kill and phase)
     */
    ChaosRunner(ChaosSettings settings, PrintWriter progress) {
        this.settings = settings;
        this.progress = progress;
        this.random = new Random(settings.seed());
        this.root = prepareRoot(settings.dataDir());
        for (int i = 0; i < settings.nodes(); i++) {
            nodes.add(new NodeProcess("n" + i, root.resolve("n" + i), settings, owner));
        }
        this.cleanup = new Thread(this::killAll, "chaos-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    private static Path prepareRoot(Path dataDir) {
        try {
            if (dataDir == null) {
                return Files.createTempDirectory("colony-chaos-");
            }
            Files.createDirectories(dataDir);
            try (Stream<Path> s = Files.list(dataDir)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("--data " + dataDir + " must be empty (or not exist)");
                }
            }
            return dataDir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data dir: " + e.getMessage(), e);
        }
    }

    /** Runs the whole scenario and checks it. */
    ChaosReport run() {
        startColony();
        submitStart = System.currentTimeMillis();
        List<String> ids = new ArrayList<>(settings.processes());
        long[] killPhase = killPhase(ids);
        double rate = killPhase[1] * 1000.0 / Math.max(1, killPhase[0] - submitStart);
        long lastRestart = restartAll();
        while (ids.size() < settings.processes()) {
            submitBatch(ids, Map.of());
        }
        say("killing stopped after %d kills; waiting for the ledgers to converge", kills);
        Map<String, ProcessView> finalViews = new HashMap<>();
        long convergedAt = converge(ids, finalViews, lastRestart + settings.settleTimeout().toMillis());
        long convergenceMs = convergedAt < 0 ? -1 : convergedAt - lastRestart;
        if (convergedAt < 0) {
            describeDivergence(ids);
        }
        stopAll();
        ExecutionHistory history = history();
        int succeeded = 0;
        int failed = 0;
        int lost = 0;
        List<String> lostIds = new ArrayList<>();
        for (String id : ids) {
            ProcessView v = finalViews.get(id);
            if (v == null || !v.state().isFinal()) {
                lost++;
                lostIds.add(id);
            } else if (v.state() == ProcessState.SUCCESS) {
                succeeded++;
                checkJournaledSuccess(v, history);
            } else {
                failed++;
            }
        }
        if (lost > 0) {
            violations.add(lost + " process(es) lost (missing or not ended on some node): "
                    + String.join(", ", lostIds.subList(0, Math.min(MAX_LISTED, lostIds.size()))));
        }
        List<ExecutionHistory.Overlap> overlaps = history.overlaps();
        overlaps.stream().limit(MAX_LISTED).forEach(o -> violations.add("process " + o.first().processId()
                + " ran on two executors at once: " + o.first() + " and " + o.second()
                + (o.first().attempt() == o.second().attempt() ? " (both claimed the same attempt)" : "")));
        ExecutionHistory.Wait wait = history.longestReassignmentWait();
        finished = true;
        return new ChaosReport(settings, ids.size(), succeeded, failed, lost, overlaps.size(), kills,
                history.runCount(), history.killedRuns(), history.processesWithRepeatedSuccess(), rate, wait.ms(),
                wait.processId(), convergenceMs, violations);
    }

    // ------------------------------------------------------------------ phases

    private void startColony() {
        NodeProcess first = nodes.get(0);
        first.start(token(first), List.of(), START_TIMEOUT);
        say("%s up at %s", first.name(), first.address());
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (NodeProcess n : nodes.subList(1, nodes.size())) {
            String token = token(n);
            starts.add(CompletableFuture.runAsync(() -> n.start(token, List.of(first.address()), START_TIMEOUT)));
        }
        starts.forEach(CompletableFuture::join);
        long deadline = System.currentTimeMillis() + MESH_TIMEOUT.toMillis();
        while (!nodes.stream().allMatch(n -> peers(n) >= nodes.size() - 1)) {
            if (System.currentTimeMillis() > deadline) {
                say("warning: not every node connected to every other within %d s", MESH_TIMEOUT.toSeconds());
                break;
            }
            pause(POLL_MS);
        }
        say("%d nodes up and connected", nodes.size());
    }

    private String token(NodeProcess n) {
        return JoinToken.invite(owner, Role.NODE, n.name(), System.currentTimeMillis(), 0, List.of()).encode();
    }

    private static int peers(NodeProcess n) {
        try {
            return n.client().nodeInfo().peers().size();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * Submits up to {@link #SUBMIT_BATCH} processes at once, each to a random node that is up, and
     * waits for the answers (the random choices are made in order, so a seed repeats them).
     */
    private void submitBatch(List<String> ids, Map<NodeProcess, Long> down) {
        List<NodeProcess> up = nodes.stream().filter(n -> !down.containsKey(n)).toList();
        List<CompletableFuture<String>> batch = new ArrayList<>();
        for (int i = 0; i < Math.min(SUBMIT_BATCH, settings.processes() - ids.size()); i++) {
            NodeProcess n = up.get(random.nextInt(up.size()));
            FunctionSpec spec = ChaosWorkload.spec(random, settings.maxSleepMs());
            batch.add(CompletableFuture.supplyAsync(() -> n.client().submit(spec).id(), submitters));
        }
        for (CompletableFuture<String> f : batch) {
            try {
                ids.add(f.join());
            } catch (RuntimeException e) {
                // never killed mid-request, so this is a refusal, not an unknown outcome; the process is
                // submitted again
                String why = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
                say("a submit failed: %s", why);
                if (++submitFailures > MAX_SUBMIT_FAILURES) {
                    throw new IllegalStateException("giving up after " + submitFailures + " failed submits: " + why);
                }
            }
        }
        if (ids.size() == settings.processes()) {
            say("submitted %d processes in %.1f s", ids.size(), (System.currentTimeMillis() - submitStart) / 1000.0);
        }
    }

    /**
     * Submits the processes and kills and restarts nodes, until every process ended or the duration
     * is over. One thread does both, so a node is never killed in the middle of a submit (whose
     * outcome would then be unknown).
     *
     * @return the end time of the phase and the processes ended by then
     */
    private long[] killPhase(List<String> ids) {
        long start = System.currentTimeMillis();
        long end = start + settings.duration().toMillis();
        long nextTick = start + settings.killEvery().toMillis();
        long nextPoll = start;
        Map<NodeProcess, Long> downUntil = new LinkedHashMap<>();
        long ended = 0;
        while (true) {
            long now = System.currentTimeMillis();
            if (now >= nextPoll) {
                restartDue(downUntil, now);
                ended = Math.max(ended, endedCount(downUntil));
                nextPoll = now + POLL_MS;
            }
            if ((ended >= settings.processes() && ids.size() == settings.processes()) || now >= end) {
                return new long[] {now, ended};
            }
            if (now >= nextTick) {
                nextTick += settings.killEvery().toMillis();
                List<NodeProcess> up = nodes.stream().filter(n -> !downUntil.containsKey(n)).toList();
                if (up.size() - 1 >= settings.majority()) {
                    NodeProcess victim = up.get(random.nextInt(up.size()));
                    long down = settings.killEvery().toMillis() / 2 + (long) (random.nextDouble() * settings.killEvery().toMillis());
                    victim.kill();
                    kills++;
                    downUntil.put(victim, System.currentTimeMillis() + down);
                    say("killed %s (SIGKILL), down for %.1f s", victim.name(), down / 1000.0);
                }
            } else if (ids.size() < settings.processes()) {
                submitBatch(ids, downUntil);
            } else {
                pause(Math.min(POLL_MS, Math.max(1, Math.min(nextTick, nextPoll) - now)));
            }
        }
    }

    /**
     * Restarts, in the background, the nodes whose down time is over; a node counts as down until
     * its restart finished (a failed restart is tried again at the next tick).
     */
    private void restartDue(Map<NodeProcess, Long> downUntil, long now) {
        for (Map.Entry<NodeProcess, CompletableFuture<Boolean>> e : List.copyOf(restarting.entrySet())) {
            if (e.getValue().isDone()) {
                restarting.remove(e.getKey());
                if (e.getValue().join()) {
                    downUntil.remove(e.getKey());
                }
            }
        }
        for (Map.Entry<NodeProcess, Long> e : downUntil.entrySet()) {
            if (e.getValue() <= now && !restarting.containsKey(e.getKey())) {
                NodeProcess n = e.getKey();
                restarting.put(n, CompletableFuture.supplyAsync(() -> restart(n), restarters));
            }
        }
    }

    private boolean restart(NodeProcess n) {
        try {
            n.start(null, bootstrapFor(n), START_TIMEOUT);
            say("restarted %s", n.name());
            return true;
        } catch (RuntimeException e) {
            say("restart of %s failed: %s", n.name(), e.getMessage());
            return false;
        }
    }

    /** The first node, or for the first node itself the second. */
    private List<String> bootstrapFor(NodeProcess n) {
        return List.of((n == nodes.get(0) ? nodes.get(1) : nodes.get(0)).address());
    }

    /** Restarts every node that is down; returns when the last one is up. */
    private long restartAll() {
        restarting.values().forEach(CompletableFuture::join);
        restarting.clear();
        for (NodeProcess n : nodes) {
            if (!n.alive() && !restart(n) && !restart(n)) {
                violations.add("node " + n.name() + " could not be restarted (see its node.log)");
            }
        }
        return System.currentTimeMillis();
    }

    /** Processes SUCCESS or FAILED on some live node, 0 if none answers. */
    private long endedCount(Map<NodeProcess, Long> down) {
        for (NodeProcess n : nodes) {
            if (down.containsKey(n) || !n.alive()) {
                continue;
            }
            try {
                Map<String, Long> c = n.client().nodeInfo().processes();
                return c.getOrDefault(ProcessState.SUCCESS.name(), 0L) + c.getOrDefault(ProcessState.FAILED.name(), 0L);
            } catch (RuntimeException e) {
                log.debug("{} did not answer: {}", n.name(), e.toString());
            }
        }
        return 0;
    }

    /**
     * Waits until every node knows every process, ended, and all agree on every view.
     *
     * @param views filled with the agreed (or the first node's) final views
     * @return when they converged, or -1 at the deadline
     */
    private long converge(List<String> ids, Map<String, ProcessView> views, long deadline) {
        while (true) {
            if (allEnded(ids.size()) && identical(ids, views)) {
                return System.currentTimeMillis();
            }
            if (System.currentTimeMillis() > deadline) {
                views.clear();
                views.putAll(viewsOf(nodes.get(0), ids));
                return -1;
            }
            pause(1_000);
        }
    }

    private boolean allEnded(int total) {
        for (NodeProcess n : nodes) {
            try {
                NodeInfo info = n.client().nodeInfo();
                Map<String, Long> c = info.processes();
                long ended = c.getOrDefault(ProcessState.SUCCESS.name(), 0L) + c.getOrDefault(ProcessState.FAILED.name(), 0L);
                if (ended < total) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    private boolean identical(List<String> ids, Map<String, ProcessView> out) {
        Map<String, ProcessView> reference = viewsOf(nodes.get(0), ids);
        for (NodeProcess n : nodes.subList(1, nodes.size())) {
            if (!reference.equals(viewsOf(n, ids))) {
                return false;
            }
        }
        out.clear();
        out.putAll(reference);
        return true;
    }

    private static Map<String, ProcessView> viewsOf(NodeProcess n, List<String> ids) {
        Map<String, ProcessView> out = new HashMap<>();
        try {
            var client = n.client();
            for (String id : ids) {
                try {
                    out.put(id, client.get(id));
                } catch (RuntimeException e) {
                    log.debug("{}: no process {}: {}", n.name(), id, e.toString());
                }
            }
        } catch (RuntimeException e) {
            log.debug("{} did not answer: {}", n.name(), e.toString());
        }
        return out;
    }

    /** Records, as violations, how the ledgers differ (the first few processes). */
    private void describeDivergence(List<String> ids) {
        List<Map<String, ProcessView>> all = nodes.stream().map(n -> viewsOf(n, ids)).toList();
        int listed = 0;
        for (String id : ids) {
            List<String> states = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                ProcessView v = all.get(i).get(id);
                states.add(nodes.get(i).name() + "=" + (v == null ? "missing"
                        : v.state() + "/attempt " + v.attempt() + "/" + v.history().size() + " records"));
            }
            boolean same = all.stream().map(m -> m.get(id)).distinct().count() == 1;
            if (!same && listed++ < MAX_LISTED) {
                List<ProcessView> perNode = all.stream().map(m -> m.get(id)).toList();
                violations.add("ledgers differ on process " + id + ": " + String.join(", ", states) + "; "
                        + Divergence.describe(nodes.stream().map(NodeProcess::name).toList(), perNode));
            }
        }
        if (listed == 0) {
            violations.add("the ledgers did not converge within " + settings.settleTimeout().toSeconds()
                    + " s (processes still running)");
        }
    }

    private void stopAll() {
        List<CompletableFuture<Void>> stops = nodes.stream()
                .map(n -> CompletableFuture.runAsync(n::stop)).toList();
        stops.forEach(CompletableFuture::join);
    }

    private ExecutionHistory history() {
        Map<String, List<ExecutionJournal.Entry>> journals = new LinkedHashMap<>();
        Map<Long, Long> deaths = new HashMap<>();
        for (NodeProcess n : nodes) {
            journals.put(n.name(), n.journal());
            deaths.putAll(n.deaths());
        }
        return ExecutionHistory.merge(journals, deaths, System.currentTimeMillis());
    }

    /** A SUCCESS in the ledgers must be backed by a successful run of that attempt on that executor. */
    private void checkJournaledSuccess(ProcessView v, ExecutionHistory history) {
        boolean backed = history.runs(v.id()).stream().anyMatch(r -> r.ending() == ExecutionHistory.Ending.SUCCESS
                && r.attempt() == v.attempt() && Objects.equals(r.node(), v.executorName()));
        if (!backed && violations.size() < 4 * MAX_LISTED) {
            violations.add("process " + v.id() + " is SUCCESS (attempt " + v.attempt() + " on " + v.executorName()
                    + ") but no such successful run is in the journals: " + history.runs(v.id()));
        }
    }

    // ------------------------------------------------------------------ cleanup

    private void killAll() {
        for (NodeProcess n : nodes) {
            n.close();
        }
    }

    /** Kills every node JVM still running, and deletes the data dirs unless asked to keep them. */
    @Override
    public void close() {
        submitters.shutdownNow();
        restarters.shutdownNow();
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
        if (settings.keep() || !finished || !violations.isEmpty()) {
            say("data dirs kept in %s", root);
        } else {
            deleteTree(root);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", dir, e.toString());
        }
    }

    private void say(String format, Object... args) {
        progress.println("chaos: " + String.format(java.util.Locale.ROOT, format, args));
        progress.flush();
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
