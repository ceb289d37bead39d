package io.colony.cli;

import io.colony.protocol.Identity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up time of a node from colony.jar: spawns {@code java -Xmx64m [flags] -jar colony.jar node
 * start} on a temporary data dir (API and peer-to-peer network on loopback, any free ports) and reads
 * the node's own log line {@code API listening N ms after main (M ms after the JVM, C ms of cpu)},
 * then stops it with SIGTERM. Used by {@code colony bench all}.
 */
final class StartupBench {

    /** The node's start-up log line. */
    static final Pattern LINE = Pattern.compile(
            "API listening (\\d+) ms after main \\((\\d+) ms after the JVM, (-?\\d+) ms of cpu\\)");
    /** Heap of the measured nodes, as on a small device. */
    static final String HEAP = "-Xmx64m";

    private StartupBench() {
    }

    /**
     * One start.
     *
     * @param mainMs from {@code main} to the API listening
     * @param jvmMs  from the JVM's start to the API listening
     * @param cpuMs  cpu time the JVM had used by then (all threads)
     */
    record Start(long mainMs, long jvmMs, long cpuMs) {
    }

    /**
     * Starts.
     *
     * @param starts the counted starts (after one uncounted start that creates the node's key)
     */
    record Result(List<Start> starts) {
        long medianMainMs() {
            return median(starts.stream().mapToLong(Start::mainMs).toArray());
        }

        long minMainMs() {
            return starts.stream().mapToLong(Start::mainMs).min().orElse(-1);
        }

        long medianJvmMs() {
            return median(starts.stream().mapToLong(Start::jvmMs).toArray());
        }

        long medianCpuMs() {
            return median(starts.stream().mapToLong(Start::cpuMs).toArray());
        }

        private static long median(long[] v) {
            return BenchSupport.percentile(v, 50);
        }
    }

    /**
     * Starts a node from {@code jar} {@code starts + 1} times on one data dir (the first start, which
     * creates the node's key, is not counted).
     *
     * @param jvmFlags extra JVM flags (e.g. {@link CdsArchive#useFlags})
     */
    static Result measure(Path jar, List<String> jvmFlags, int starts, Consumer<String> progress) throws Exception {
        if (starts < 1) {
            throw new IllegalArgumentException("--starts must be >= 1");
        }
        Path dir = Files.createTempDirectory("colony-start");
        try {
            String colony = Identity.generate().memberId();
            List<Start> out = new ArrayList<>();
            for (int i = 0; i <= starts; i++) {
                Start s = startOnce(jar, jvmFlags, dir, colony);
                if (i > 0) {
                    out.add(s);
                    progress.accept("start-up: " + s.mainMs() + " ms after main (" + s.jvmMs() + " ms after the JVM)");
                }
            }
            return new Result(out);
        } finally {
            BenchSupport.deleteTree(dir);
        }
    }

    private static Start startOnce(Path jar, List<String> jvmFlags, Path dir, String colony) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CdsArchive.java().toString(), HEAP));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-jar", jar.toString(), "node", "start", "--data", dir.toString(), "--colony", colony,
                "--api-host", "127.0.0.1", "--api-port", "0", "--p2p-host", "127.0.0.1", "--p2p-port", "0",
                "--capacity", "1", "--log-level", "info", "--log-format", "text"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        CdsArchive.cleanEnvironment(pb.environment());
        Process p = pb.start();
        CompletableFuture<Start> line = new CompletableFuture<>();
        String[] last = {""};
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    Matcher m = LINE.matcher(l);
                    if (m.find()) {
                        line.complete(new Start(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                                Long.parseLong(m.group(3))));
                    } else if (!l.isBlank()) {
                        last[0] = l.strip();
                    }
                }
            } catch (IOException ignored) {
                // the node is gone
            }
            line.completeExceptionally(new IllegalStateException("node start from the jar ended before its API listened: "
                    + last[0]));
        }, "startup-bench-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            return line.get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw (e.getCause() instanceof RuntimeException re) ? re : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("node start from the jar: no API in 2 minutes: " + last[0]);
        } finally {
            p.destroy(); // SIGTERM: the node stops as under systemd
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
