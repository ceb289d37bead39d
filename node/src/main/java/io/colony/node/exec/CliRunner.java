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
 * Runs {@link ExecRequest}s as operating-system processes: no shell unless asked for, each child
 * the leader of its own session (so the whole tree can be killed), stdout/stderr read line by line
 * while it runs, {@code maxexectime} enforced by killing the tree.
 *
 * <p>Thread-safe. Uses two reader threads and one waiter per running process.
 */
public final class CliRunner implements Runner, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CliRunner.class);
    private static final int ERROR_TAIL = 5;

    private final ProcessWatchdog watchdog;
    private final ExecLimits limits;
    private final Path workDir;
    private final ExecutorService threads;
    private final ScheduledExecutorService timer;

    /**
     * @param watchdog records running groups; {@code null} for none
     * @param limits   output bounds and kill grace
     * @param workDir  working directory of the children; {@code null}: the node's
     */
    public CliRunner(ProcessWatchdog watchdog, ExecLimits limits, Path workDir) {
        this.watchdog = watchdog;
        this.limits = limits;
        this.workDir = workDir;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> daemon(r, "exec-" + n.incrementAndGet()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "exec-timer"));
    }

    @Override
    public RunningProcess start(ExecRequest request, LogSink sink) {
        ProcessBuilder pb = new ProcessBuilder(ProcessGroups.inNewSession(request.commandLine()));
        pb.environment().putAll(request.env());
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Process process;
        try {
            process = pb.start();
        } catch (IOException | RuntimeException e) {
            String why = "cannot start " + request.funcname() + ": " + e.getMessage();
            return RunningProcess.completed(new ExecResult(-1, List.of(), List.of(why), null));
        }
        Run run = new Run(process, sink);
        if (watchdog != null) {
            watchdog.register(process.toHandle());
        }
        run.begin(request);
        return run;
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

        void begin(ExecRequest request) {
            CompletableFuture<Void> out = CompletableFuture.runAsync(
                    () -> pump(process.getInputStream(), "stdout"), threads);
            CompletableFuture<Void> err = CompletableFuture.runAsync(
                    () -> pump(process.getErrorStream(), "stderr"), threads);
            if (request.maxExecTime() != null) {
                timeout = timer.schedule(() -> kill(ExecResult.StopReason.TIMEOUT),
                        request.maxExecTime().toMillis(), TimeUnit.MILLISECONDS);
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
