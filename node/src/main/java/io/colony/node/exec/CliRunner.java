package io.colony.node.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ExecRequest}s as operating-system processes: only what the operator's
 * {@link ExecPolicy} allows, through the program's absolute path, no shell unless asked for, in a
 * clean environment (see {@link ChildEnvironment}, never the node's), optionally as another OS
 * user, each child the leader of its own session (so the whole tree can be killed), stdout/stderr
 * read line by line while it runs, {@code maxexectime} enforced by killing the tree.
 *
 * <p>Thread-safe. Uses two reader threads and one waiter per running process.
 */
public final class CliRunner implements Runner, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CliRunner.class);
    private static final int ERROR_TAIL = 5;

    private final ProcessWatchdog watchdog;
    private final ExecLimits limits;
    private final Path workDir;
    private final ExecPolicy policy;
    private final ChildEnvironment identity;
    private final ExecutorService threads;
    private final ScheduledExecutorService timer;

    /**
     * @param watchdog records running groups; {@code null} for none
     * @param limits   output bounds and kill grace
     * @param workDir  working directory of the children; {@code null}: the node's (with run-as: the
     *                 run-as user's home)
     * @param policy   what may run, and as whom
     * @throws IllegalArgumentException the run-as user cannot be used (one line saying why)
     */
    public CliRunner(ProcessWatchdog watchdog, ExecLimits limits, Path workDir, ExecPolicy policy) {
        this.watchdog = watchdog;
        this.limits = limits;
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
        this.identity = policy.runAs() == null ? ChildEnvironment.ofNodeUser() : ChildEnvironment.runAs(policy.runAs());
        if (workDir == null && identity.switchesUser()) {
            Path home = Path.of(identity.home());
            workDir = java.nio.file.Files.isDirectory(home) ? home : Path.of("/");
        }
        this.workDir = workDir;
        if (policy.allowsNothing()) {
            log.warn("the cli executor runs nothing: its operator allowed no program (--allow PATTERN or executor.allow)");
        } else {
            log.info("the cli executor runs: {}", policy);
            for (String missing : policy.unresolvedPrograms()) {
                log.warn("allowed program '{}' is not found on the children's PATH ({}): it matches nothing",
                        missing, ExecPolicy.CLEAN_PATH);
            }
        }
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> daemon(r, "exec-" + n.incrementAndGet()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "exec-timer"));
    }

    /** What this runner may run. */
    public ExecPolicy policy() {
        return policy;
    }

    @Override
    public RunningProcess start(ExecRequest request, LogSink sink) {
        ExecPolicy.Decision decision = policy.check(request.funcname(), request.args(), request.shell());
        if (!decision.allowed()) {
            return refused(decision.reason());
        }
        for (String name : request.env().keySet()) {
            if (!name.startsWith("COLONY_") && io.colony.protocol.SpecCodec.envRefusal(name) != null) {
                return refused("env." + name + " " + io.colony.protocol.SpecCodec.envRefusal(name));
            }
        }
        long timeoutMs = request.maxExecTime() == null ? 0 : saturatedMillis(request.maxExecTime());
        ProcessBuilder pb = new ProcessBuilder(ProcessGroups.inNewSession(identity.wrap(decision.command())));
        pb.environment().clear();
        pb.environment().putAll(identity.environment(request.env()));
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Process process;
        try {
            process = pb.start();
        } catch (IOException | RuntimeException e) {
            return refused("cannot start " + request.funcname() + ": " + e.getMessage());
        }
        Run run = new Run(process, sink);
        try {
            if (watchdog != null) {
                watchdog.register(process.toHandle());
            }
            run.begin(request, timeoutMs);
        } catch (RuntimeException e) {
            // never leave a program running that nobody watches: kill its tree and say why
            if (ProcessGroups.supported()) {
                ProcessGroups.signal(process.pid(), "KILL");
            }
            process.destroyForcibly();
            log.warn("run of {} aborted: {}", request.funcname(), e.toString());
            return refused("cannot start " + request.funcname() + ": " + e.getMessage());
        }
        return run;
    }

    private static RunningProcess refused(String why) {
        return RunningProcess.completed(new ExecResult(-1, List.of(), List.of(why), null));
    }

    /** {@code d} in ms, {@link Long#MAX_VALUE} when that does not fit a long. */
    static long saturatedMillis(java.time.Duration d) {
        try {
            return d.toMillis();
        } catch (ArithmeticException e) {
            return d.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
        timer.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** One running child. */
    private final class Run implements RunningProcess {
        private final Process process;
        private final LogSink sink;
        private final CompletableFuture<ExecResult> result = new CompletableFuture<>();
        private final AtomicReference<ExecResult.StopReason> stopped = new AtomicReference<>();
        private final List<String> output = new ArrayList<>();
        private final List<String> stderrTail = new ArrayList<>();
        private final AtomicInteger logLines = new AtomicInteger();
        private volatile ScheduledFuture<?> timeout;

        Run(Process process, LogSink sink) {
            this.process = process;
            this.sink = sink;
        }

        void begin(ExecRequest request, long timeoutMs) {
            CompletableFuture<Void> out = CompletableFuture.runAsync(
                    () -> pump(process.getInputStream(), "stdout"), threads);
            CompletableFuture<Void> err = CompletableFuture.runAsync(
                    () -> pump(process.getErrorStream(), "stderr"), threads);
            if (timeoutMs > 0) {
                timeout = timer.schedule(() -> kill(ExecResult.StopReason.TIMEOUT), timeoutMs, TimeUnit.MILLISECONDS);
            }
            process.onExit().thenRunAsync(() -> finish(request, out, err), threads);
        }

        private void pump(InputStream in, String stream) {
            BoundedLineReader reader = new BoundedLineReader(in, limits.maxLineChars());
            try (in) {
                String line;
                while ((line = reader.readLine()) != null) {
                    accept(stream, line);
                }
            } catch (IOException e) {
                // the stream was closed after the process ended or was killed
            }
        }

        private void accept(String stream, String line) {
            synchronized (this) {
                if (stream.equals("stdout")) {
                    if (output.size() < limits.maxOutputLines()) {
                        output.add(line);
                    }
                } else {
                    stderrTail.add(line);
                    if (stderrTail.size() > ERROR_TAIL) {
                        stderrTail.remove(0);
                    }
                }
            }
            if (logLines.incrementAndGet() <= limits.maxLogLines()) {
                try {
                    sink.line(stream, line);
                } catch (RuntimeException e) {
                    log.warn("log sink failed: {}", e.toString());
                }
            }
        }

        private void finish(ExecRequest request, CompletableFuture<Void> out, CompletableFuture<Void> err) {
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
            // The command is over: background children it left behind go with it.
            if (ProcessGroups.supported()) {
                ProcessGroups.signal(process.pid(), "KILL");
            }
            try {
                CompletableFuture.allOf(out, err).get(limits.killGrace().toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                closeQuietly(process.getInputStream());
                closeQuietly(process.getErrorStream());
            }
            if (watchdog != null) {
                watchdog.unregister(process.pid());
            }
            int code = process.exitValue();
            ExecResult.StopReason stop = stopped.get();
            List<String> errors = new ArrayList<>();
            if (stop == ExecResult.StopReason.TIMEOUT) {
                errors.add("maxexectime exceeded (" + request.maxExecTime().toSeconds() + " s), process killed");
            } else if (stop == ExecResult.StopReason.STOPPED) {
                errors.add("process stopped by the executor");
            } else if (code != 0) {
                errors.add(request.funcname() + " exited with status " + code);
                synchronized (this) {
                    errors.addAll(stderrTail);
                }
            }
            synchronized (this) {
                result.complete(new ExecResult(code, output, errors, stop));
            }
        }

        private void kill(ExecResult.StopReason reason) {
            if (!stopped.compareAndSet(null, reason) || !process.isAlive()) {
                return;
            }
            List<ProcessHandle> tree = process.descendants().toList();
            process.destroy(); // SIGTERM to the leader at once, without forking kill(1)
            if (ProcessGroups.supported()) {
                ProcessGroups.signal(process.pid(), "TERM");
            } else {
                process.destroy();
                tree.forEach(ProcessHandle::destroy);
            }
            timer.schedule(() -> {
                if (ProcessGroups.supported() && process.isAlive()) {
                    ProcessGroups.signal(process.pid(), "KILL");
                }
                process.destroyForcibly();
                tree.forEach(ProcessHandle::destroyForcibly);
            }, limits.killGrace().toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public CompletableFuture<ExecResult> result() {
            return result;
        }

        @Override
        public void stop() {
            threads.execute(() -> kill(ExecResult.StopReason.STOPPED));
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
