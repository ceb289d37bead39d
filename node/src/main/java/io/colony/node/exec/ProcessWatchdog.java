package io.colony.node.exec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure no child process outlives its node, even when the node's JVM is killed with SIGKILL.
 *
 * <p>The node keeps the process group ids of its running children in a file in its data dir. A
 * tiny {@code /bin/sh} watchdog runs in its own session with its stdin connected to a pipe from the
 * JVM. The JVM never writes to the pipe; when the JVM dies for any reason the kernel closes the
 * pipe, the watchdog's {@code read} returns, and it kills (TERM, then KILL) every group listed in
 * the file. On start, a node also kills the leftovers listed there by an earlier incarnation
 * (in case the watchdog itself was killed).
 *
 * <p>File format: one line per group, {@code <pgid> <leader start time, epoch ms or 0>}.
 */
public final class ProcessWatchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProcessWatchdog.class);

    private static final String SCRIPT = String.join("\n",
            "f=\"$1\"",
            "while read -r _line; do :; done",
            "[ -f \"$f\" ] || exit 0",
            "for sig in TERM KILL; do",
            "  while read -r pg _rest; do",
            "    [ -n \"$pg\" ] && kill -$sig -\"$pg\" 2>/dev/null",
            "  done < \"$f\"",
            "  [ \"$sig\" = TERM ] && sleep 1",
            "done",
            "exit 0");

    private final Path file;
    private final Map<Long, Long> groups = new LinkedHashMap<>();
    private final Process shell;
    private final OutputStream pipe;

    private ProcessWatchdog(Path file, Process shell) {
        this.file = file;
        this.shell = shell;
        this.pipe = shell == null ? null : shell.getOutputStream();
    }

    /**
     * Kills the leftovers listed in {@code file}, then starts a watchdog guarding it.
     *
     * @param file the watchdog file in the node's data dir
     */
    public static ProcessWatchdog start(Path file) {
        killLeftovers(file);
        writeFile(file, Map.of());
        Process shell = null;
        if (ProcessGroups.supported()) {
            try {
                shell = new ProcessBuilder(ProcessGroups.inNewSession(
                        List.of("/bin/sh", "-c", SCRIPT, "colony-watchdog", file.toAbsolutePath().toString())))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
            } catch (IOException e) {
                log.warn("process watchdog not started, children may outlive a killed node: {}", e.getMessage());
            }
        } else {
            log.warn("setsid not available: children of a killed node are not cleaned up");
        }
        return new ProcessWatchdog(file, shell);
    }

    /** Kills the process groups listed in a watchdog file by a previous run; returns how many. */
    public static int killLeftovers(Path file) {
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        int killed = 0;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 0 || f[0].isEmpty()) {
                    continue;
                }
                long pgid = Long.parseLong(f[0]);
                long started = f.length > 1 ? Long.parseLong(f[1]) : 0;
                if (isSameProcessOrGone(pgid, started)) {
                    log.info("killing leftover process group {} of a previous run", pgid);
                    ProcessGroups.signal(pgid, "KILL");
                    killed++;
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.warn("cannot read watchdog file {}: {}", file, e.getMessage());
        }
        return killed;
    }

    /** Records a running group (call right after starting its leader). */
    public synchronized void register(ProcessHandle leader) {
        long started = leader.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        groups.put(leader.pid(), started);
        writeFile(file, groups);
    }

    /** Forgets a group once it is gone. */
    public synchronized void unregister(long pgid) {
        if (groups.remove(pgid) != null) {
            writeFile(file, groups);
        }
    }

    /** True while the watchdog shell runs. */
    public boolean alive() {
        return shell != null && shell.isAlive();
    }

    /** Stops the watchdog (it kills whatever is still registered) after the node stopped its children. */
    @Override
    public synchronized void close() {
        if (pipe != null) {
            try {
                pipe.close();
            } catch (IOException ignored) {
                // the shell is gone already
            }
        }
    }

    private static boolean isSameProcessOrGone(long pgid, long startedMs) {
        Optional<ProcessHandle> leader = ProcessHandle.of(pgid);
        if (leader.isEmpty()) {
            return true; // the leader is gone; if its group still exists it is ours
        }
        Optional<Instant> start = leader.get().info().startInstant();
        return startedMs != 0 && start.isPresent() && Math.abs(start.get().toEpochMilli() - startedMs) < 2000;
    }

    private static void writeFile(Path file, Map<Long, Long> groups) {
        StringBuilder text = new StringBuilder();
        groups.forEach((pg, started) -> text.append(pg).append(' ').append(started).append('\n'));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write watchdog file " + file, e);
        }
    }
}
