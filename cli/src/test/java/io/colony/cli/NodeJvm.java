package io.colony.cli;

import io.colony.protocol.Identity;
import io.colony.sdk.ColonyClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@code colony} command running in its own JVM ({@code java -cp <test classpath> io.colony.cli.Main
 * ARGS}), for tests with real node processes. It reads what the command prints on stdout: the
 * {@code api}/{@code peer}/{@code node} lines of {@code node start} and {@code bootstrap}, and the
 * {@code export} lines of {@code dev}; it keeps the last lines of stderr for failure messages.
 */
final class NodeJvm implements AutoCloseable {

    private static final int STDERR_LINES = 40;

    private final String label;
    private final Process process;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Map<String, String> exports = new ConcurrentHashMap<>();
    private final List<String> peers = new ArrayList<>();
    private final Deque<String> stderr = new ArrayDeque<>();
    private volatile int apiPort = -1;
    private volatile String nodeName;
    private volatile String memberId;

    private NodeJvm(String label, Process process) {
        this.label = label;
        this.process = process;
        pump(process.getInputStream(), this::stdoutLine, "out");
        pump(process.getErrorStream(), line -> {
            synchronized (stderr) {
                stderr.addLast(line);
                if (stderr.size() > STDERR_LINES) {
                    stderr.removeFirst();
                }
            }
        }, "err");
    }

    /** Starts {@code colony ARGS} in a new JVM; COLONY_* variables of this environment are not passed on. */
    static NodeJvm start(String label, Path workDir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("COLONY_"));
        return new NodeJvm(label, pb.start());
    }

    private void stdoutLine(String line) {
        if (line.startsWith("export ")) {
            String[] kv = line.substring("export ".length()).split("=", 2);
            exports.put(kv[0], kv[1]);
        } else if (line.startsWith("api ")) {
            String url = line.substring(4).strip();
            apiPort = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
        } else if (line.startsWith("peer ")) {
            synchronized (peers) {
                peers.add(line.substring(5).strip());
            }
        } else if (line.startsWith("node ")) {
            String[] parts = line.substring(5).strip().split("[ ()]+");
            nodeName = parts[0];
            memberId = parts[1];
        }
        boolean devReady = exports.containsKey("COLONY_BOOTSTRAP");
        boolean nodeReady = line.startsWith("peer ");
        if (devReady || nodeReady) {
            ready.complete(null);
        }
    }

    private void pump(InputStream in, Consumer<String> sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException ignored) {
                // the JVM is gone
            }
            ready.completeExceptionally(new IllegalStateException(label + " exited before it was ready: " + lastErrors()));
        }, label + "-" + name);
        t.setDaemon(true);
        t.start();
    }

    /** Waits until the command printed where it listens (or fails with its last stderr lines). */
    NodeJvm awaitReady() throws Exception {
        try {
            ready.get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(label + " not ready in time: " + lastErrors(), e);
        }
        return this;
    }

    String label() {
        return label;
    }

    /** The API port (from the {@code api} line, or {@code export COLONY_PORT}). */
    int apiPort() {
        return exports.containsKey("COLONY_PORT") ? Integer.parseInt(exports.get("COLONY_PORT")) : apiPort;
    }

    /** The first peer-to-peer address. */
    String peerAddress() {
        if (exports.containsKey("COLONY_BOOTSTRAP")) {
            return exports.get("COLONY_BOOTSTRAP").split(",")[0];
        }
        synchronized (peers) {
            return peers.get(0);
        }
    }

    /** The node's executor name (from the {@code node} line). */
    String nodeName() {
        return nodeName;
    }

    /** The node's member id (from the {@code node} line). */
    String memberId() {
        return memberId;
    }

    /** An exported variable of {@code colony dev}. */
    String export(String name) {
        return exports.get(name);
    }

    ColonyClient client(Identity identity) {
        return ColonyClient.connect("127.0.0.1", apiPort(), identity);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** {@code kill -9}. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String lastErrors() {
        synchronized (stderr) {
            return String.join("\n", stderr);
        }
    }

    /** SIGTERM, then SIGKILL if it does not stop in time. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
