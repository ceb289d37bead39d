package io.colony.node.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.colony.node.exec.ExecRequest;
import io.colony.node.exec.ExecResult;
import io.colony.node.exec.Runner;
import io.colony.node.exec.RunningProcess;
import io.colony.node.lease.LeaseAction;
import io.colony.node.lease.LeaseManager;
import io.colony.node.ledger.Ledger;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Hex;
import io.colony.protocol.ProcessView;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Record;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's built-in executor: follows the {@link LeaseManager}'s decisions (claim, start, renew,
 * stop, close) and runs processes with a {@link Runner}. Every method runs on the ledger loop; run
 * completions are posted back to it through {@code loop}.
 */
public final class LocalExecutor {

    private static final Logger log = LoggerFactory.getLogger(LocalExecutor.class);
    /** Log bytes (chars) per LogAppend record, well below the record size limit. */
    private static final int MAX_LOG_CHUNK_CHARS = 128 * 1024;
    /** Environment variable holding a workflow member's input: its parents' outputs as a JSON array. */
    public static final String INPUT_ENV = "COLONY_IN";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Most characters of parent output put into {@link #INPUT_ENV} (the OS limits one variable to 128 KiB). */
    static final int MAX_INPUT_CHARS = 100_000;

    private final Ledger ledger;
    private final LeaseManager leases;
    private final Runner runner;
    private final RecordSigner signer;
    private final Executor loop;
    private final LongSupplier clock;
    private final ExecutionJournal journal;
    private final Map<ByteBuffer, Run> runs = new HashMap<>();
    private final Queue<Map.Entry<Run, ExecResult>> completions = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean completionsScheduled = new AtomicBoolean();
    private boolean releasing;

    /** One running attempt. */
    private static final class Run {
        final byte[] processId;
        final int attempt;
        /** When the program exited (0 while it runs): the Close is stamped with it, not with the drain time. */
        volatile long endedMs;
        final Queue<String> pendingLog = new ConcurrentLinkedQueue<>(); // "1" + line from stderr, "0" + line from stdout
        RunningProcess process;
        long seq;
        long lastLogMs;

        Run(byte[] processId, int attempt) {
            this.processId = processId;
            this.attempt = attempt;
        }
    }

    /**
     * @param ledger the node's ledger (only touched on the loop)
     * @param leases lease logic of this executor
     * @param runner runs the processes
     * @param signer signs and applies claim/renew/close/log bodies
     * @param loop   the ledger loop, for completions
     * @param clock  wall clock in ms
     */
    public LocalExecutor(Ledger ledger, LeaseManager leases, Runner runner, RecordSigner signer, Executor loop,
                         LongSupplier clock) {
        this(ledger, leases, runner, signer, loop, clock, ExecutionJournal.none());
    }

    /**
     * As {@link #LocalExecutor(Ledger, LeaseManager, Runner, RecordSigner, Executor, LongSupplier)},
     * recording every run's start and end in {@code journal}.
     */
    public LocalExecutor(Ledger ledger, LeaseManager leases, Runner runner, RecordSigner signer, Executor loop,
                         LongSupplier clock, ExecutionJournal journal) {
        this.journal = journal;
        this.ledger = ledger;
        this.leases = leases;
        this.runner = runner;
        this.signer = signer;
        this.loop = loop;
        this.clock = clock;
    }

    /** Processes running now. */
    public int running() {
        return runs.size();
    }

    /** Lets the lease logic act: claims, starts, renewals, stops. Call after ledger changes and on every tick. */
    public void poll() {
        // results that waited for a busy loop are closed before the lease logic can give their leases up
        if (!completions.isEmpty()) {
            drainCompletions();
        }
        if (releasing) {
            return;
        }
        List<Record> toSign = new ArrayList<>();
        for (LeaseAction a : leases.poll(ledger, clock.getAsLong())) {
            if (a instanceof LeaseAction.Sign s) {
                toSign.add(s.body());
            } else if (a instanceof LeaseAction.Start s) {
                start(s.processId(), s.attempt());
            } else if (a instanceof LeaseAction.Stop s) {
                stop(s.processId(), s.reason());
            }
        }
        if (!toSign.isEmpty()) {
            signer.signAndApply(toSign);
        }
    }

    /** Turns the log lines printed since the last flush into LogAppend records. */
    public void flushLogs() {
        List<Record> bodies = new ArrayList<>();
        for (Run r : runs.values()) {
            drainLog(r, bodies);
        }
        if (!bodies.isEmpty()) {
            signer.signAndApply(bodies);
        }
    }

    /** Kills every running process (node shutdown); their leases expire and they are re-assigned. */
    public void stopAll() {
        for (Run r : runs.values()) {
            if (r.process != null) {
                r.process.stop();
            }
        }
    }

    /**
     * Graceful shutdown, step 1: claims nothing more and kills every running process. Runs that end
     * from now on are not closed as failed (their attempts are released instead), except runs that
     * ended by themselves, which are closed as usual.
     *
     * @return completes when every killed process has exited
     */
    public CompletableFuture<Void> stopForRelease() {
        releasing = true;
        List<CompletableFuture<ExecResult>> ends = new ArrayList<>();
        for (Run r : runs.values()) {
            if (r.process != null) {
                r.process.stop();
                ends.add(r.process.result());
            }
        }
        return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new));
    }

    /**
     * Graceful shutdown, step 2 (after {@link #stopForRelease()}): signs and applies a release of
     * every attempt still held, so that other executors take the processes at once instead of
     * waiting for the leases to expire.
     *
     * @return the number of attempts released
     */
    public int releaseHeld() {
        releasing = true;
        drainCompletions();
        List<Record> bodies = new ArrayList<>();
        for (Run r : runs.values()) {
            drainLog(r, bodies);
        }
        runs.clear();
        int released = 0;
        for (LeaseAction a : leases.releaseAll(clock.getAsLong())) {
            if (a instanceof LeaseAction.Sign s) {
                bodies.add(s.body());
                released++;
                log.info("releasing process {} attempt {}", Hex.encode(s.processId()), s.attempt());
            }
        }
        if (!bodies.isEmpty()) {
            signer.signAndApply(bodies);
        }
        return released;
    }

    /** Closes the execution journal; call after the runner has stopped every process. */
    public void closeJournal() {
        journal.close();
    }

    private void start(byte[] processId, int attempt) {
        ProcessView view = ledger.get(processId).orElse(null);
        Run run = new Run(processId, attempt);
        runs.put(ByteBuffer.wrap(processId), run);
        if (view == null) {
            finished(run, new ExecResult(-1, List.of(), List.of("process spec not found"), null));
            return;
        }
        FunctionSpec spec = view.spec();
        for (String name : spec.env().keySet()) {
            String why = io.colony.protocol.SpecCodec.envRefusal(name);
            if (why != null) {
                finished(run, new ExecResult(-1, List.of(), List.of("env." + name + " " + why), null));
                return;
            }
        }
        Map<String, String> env = new HashMap<>(spec.env());
        env.put("COLONY_PROCESS_ID", view.id());
        env.put("COLONY_ATTEMPT", Integer.toString(attempt));
        List<byte[]> parents = ledger.dependencies(processId);
        if (!parents.isEmpty()) {
            env.put(INPUT_ENV, parentOutputs(parents));
        }
        ExecRequest req = new ExecRequest(spec.funcname(), spec.args(), env, spec.shell(),
                spec.maxexectime() > 0 ? Duration.ofSeconds(spec.maxexectime()) : null);
        log.info("running process {} attempt {}: {} {}", view.id(), attempt, spec.funcname(), spec.args());
        journal.started(processId, attempt, clock.getAsLong());
        try {
            run.process = runner.start(req, (stream, line) -> run.pendingLog.add(("stderr".equals(stream) ? "1" : "0") + line));
        } catch (RuntimeException e) {
            run.process = RunningProcess.completed(new ExecResult(-1, List.of(), List.of("cannot start: " + e), null));
        }
        run.process.result().whenComplete((res, err) -> {
            run.endedMs = clock.getAsLong();
            journal.ended(processId, attempt, run.endedMs, err == null && res.success());
            completions.add(Map.entry(run,
                    err == null ? res : new ExecResult(-1, List.of(), List.of("executor error: " + err), null)));
            if (completionsScheduled.compareAndSet(false, true)) {
                loop.execute(this::drainCompletions);
            }
        });
    }

    /**
     * The outputs of a workflow member's parents, concatenated in the order its dependencies name them,
     * as a JSON array of strings (ColonyOS hands them to the child as its input); cut at
     * {@link #MAX_INPUT_CHARS} characters.
     */
    private String parentOutputs(List<byte[]> parents) {
        List<String> in = new ArrayList<>();
        long chars = 0;
        for (byte[] parent : parents) {
            for (String line : ledger.get(parent).map(ProcessView::output).orElse(List.of())) {
                chars += line.length() + 3;
                if (chars > MAX_INPUT_CHARS) {
                    log.warn("input of process {} cut at {} characters", Hex.encode(parents.get(0)), MAX_INPUT_CHARS);
                    return encode(in);
                }
                in.add(line);
            }
        }
        return encode(in);
    }

    private static String encode(List<String> in) {
        try {
            return JSON.writeValueAsString(in);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode parent outputs", e);
        }
    }

    private void stop(byte[] processId, String reason) {
        Run r = runs.get(ByteBuffer.wrap(processId));
        if (r != null && r.process != null) {
            log.info("stopping process {}: {}", Hex.encode(processId), reason);
            r.process.stop();
        }
    }

    /** Closes every run that ended since the last drain, in one ledger commit. */
    private void drainCompletions() {
        completionsScheduled.set(false);
        List<Record> bodies = new ArrayList<>();
        Map.Entry<Run, ExecResult> c;
        while ((c = completions.poll()) != null) {
            finished(c.getKey(), c.getValue(), bodies);
        }
        if (!bodies.isEmpty()) {
            signer.signAndApply(bodies);
        }
    }

    private void finished(Run run, ExecResult result) {
        List<Record> bodies = new ArrayList<>();
        finished(run, result, bodies);
        if (!bodies.isEmpty()) {
            signer.signAndApply(bodies);
        }
    }

    private void finished(Run run, ExecResult result, List<Record> bodies) {
        if (runs.get(ByteBuffer.wrap(run.processId)) != run) {
            return;
        }
        runs.remove(ByteBuffer.wrap(run.processId));
        drainLog(run, bodies);
        if (releasing && result.stop() == ExecResult.StopReason.STOPPED) {
            return; // killed for the shutdown: released by releaseHeld, not failed
        }
        for (LeaseAction a : leases.finished(run.processId, result.success(), result.output(), result.errors(),
                run.endedMs > 0 ? run.endedMs : clock.getAsLong())) {
            if (a instanceof LeaseAction.Sign s) {
                bodies.add(s.body());
            }
        }
        log.info("process {} attempt {} ended: {}", Hex.encode(run.processId), run.attempt,
                result.success() ? "success" : String.join("; ", result.errors()));
    }

    private void drainLog(Run r, List<Record> out) {
        while (!r.pendingLog.isEmpty()) {
            List<String> lines = new ArrayList<>();
            List<Integer> stderr = new ArrayList<>();
            int chars = 0;
            String marked;
            while (lines.size() < Records.MAX_LOG_LINES_PER_RECORD && chars < MAX_LOG_CHUNK_CHARS
                    && (marked = r.pendingLog.poll()) != null) {
                if (marked.charAt(0) == '1') {
                    stderr.add(lines.size());
                }
                String line = marked.substring(1);
                lines.add(line);
                chars += line.length();
            }
            if (lines.isEmpty()) {
                return;
            }
            // strictly increasing timestamps keep the chunks in order in the ledger's (timestamp, id) order
            r.lastLogMs = Math.max(clock.getAsLong(), r.lastLogMs + 1);
            out.add(Records.log(ledger.colonyId(), r.lastLogMs, r.processId, r.attempt, r.seq++, lines, stderr));
        }
    }
}
