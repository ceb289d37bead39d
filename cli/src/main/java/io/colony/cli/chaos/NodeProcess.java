package io.colony.cli.chaos;

import io.colony.cli.Main;
import io.colony.node.runtime.ExecutionJournal;
import io.colony.protocol.Identity;
import io.colony.sdk.ColonyClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a chaos run: a {@code colony node start} child JVM on loopback, started, killed with
 * SIGKILL and restarted on the same data dir and ports. Its output goes to {@code node.log} in the
 * data dir. Remembers when each of its JVMs (by pid) died.
 */
final class NodeProcess {

    private static final Logger log = LoggerFactory.getLogger(NodeProcess.class);
    private static final String LOG_FILE = "node.log";
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final String name;
    private final Path dataDir;
    private final ChaosSettings settings;
    private final Identity client;
    private final Map<Long, Long> deaths = new ConcurrentHashMap<>();
    private volatile Process process;
    private volatile int apiPort;
    private volatile int p2pPort;
    private volatile String address;
    private volatile ColonyClient apiClient;
    private volatile boolean closed;

    NodeProcess(String name, Path dataDir, ChaosSettings settings, Identity client) {
        this.name = name;
        this.dataDir = dataDir;
        this.settings = settings;
        this.client = client;
    }

    String name() {
        return name;
    }

    Path dataDir() {
        return dataDir;
    }

    /** The node's peer-to-peer address ({@code /ip4/127.0.0.1/tcp/…/p2p/…}), known after the first start. */
    String address() {
        return address;
    }

    boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** When each JVM of this node died, by pid. */
    Map<Long, Long> deaths() {
        return deaths;
    }

    /** A client of the node's API that signs with the chaos run's owner key. */
    ColonyClient client() {
        return apiClient;
    }

    /**
     * Starts the JVM and waits until it printed its API and peer addresses; the first start uses
     * any free ports, later starts the same ones.
     *
     * @param join      join token for the first start, else null
     * @param bootstrap addresses to join through
     * @throws IllegalStateException if the node does not come up within {@code timeout}
     */
    void start(String join, List<String> bootstrap, Duration timeout) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_OPTIONS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "node", "start",
                "--data", dataDir.toString(), "--api-port", Integer.toString(apiPort),
                "--p2p-host", "127.0.0.1", "--p2p-port", Integer.toString(p2pPort),
                "--executor-type", ChaosWorkload.EXECUTOR_TYPE, "--executor-name", name,
                "--capacity", Integer.toString(settings.capacity()),
                "--lease-ms", Long.toString(settings.leaseMs()), "--allow", "sleep"));
        if (join != null) {
            cmd.addAll(List.of("--join", join));
        }
        if (!bootstrap.isEmpty()) {
            cmd.addAll(List.of("--bootstrap", String.join(",", bootstrap)));
        }
        Path logFile = dataDir.resolve(LOG_FILE);
        try {
            Files.createDirectories(dataDir);
            long offset = Files.exists(logFile) ? Files.size(logFile) : 0;
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            process = p;
            if (closed) { // closed while this start was spawning: no orphan
                kill();
                throw new IllegalStateException("node " + name + " closed while starting");
            }
            awaitStarted(p, logFile, offset, timeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + name + ": " + e.getMessage(), e);
        }
    }

    private void awaitStarted(Process p, Path logFile, long offset, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String out = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8)
                    .substring((int) Math.min(offset, Files.size(logFile)));
            String api = null;
            String peer = null;
            for (String line : out.split("\n")) {
                if (line.startsWith("api ") && line.contains("http://")) {
                    api = line.substring(line.indexOf("http://")).strip();
                } else if (line.startsWith("peer ") && line.contains("/ip4/127.0.0.1/")) {
                    peer = line.substring(line.indexOf('/')).strip();
                }
            }
            if (api != null && peer != null) {
                apiPort = Integer.parseInt(api.substring(api.lastIndexOf(':') + 1));
                address = peer;
                String[] parts = peer.split("/");
                p2pPort = Integer.parseInt(parts[4]);
                if (apiClient == null) {
                    apiClient = ColonyClient.connect("127.0.0.1", apiPort, client);
                }
                log.info("{} started: pid {}, api {}, peer {}", name, p.pid(), apiPort, peer);
                return;
            }
            if (!p.isAlive()) {
                deaths.put(p.pid(), System.currentTimeMillis());
                throw new IllegalStateException("node " + name + " exited with status " + p.exitValue()
                        + " while starting (see " + logFile + ")");
            }
            sleep(100);
        }
        kill();
        throw new IllegalStateException("node " + name + " did not start within " + timeout.toSeconds() + " s (see "
                + logFile + ")");
    }

    /** SIGKILL of the JVM; returns once it is gone and records its death. No-op if it is not running. */
    void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        awaitExit(p);
    }

    /** Kills the JVM for good: a start running concurrently kills what it spawns. */
    void close() {
        closed = true;
        kill();
    }

    /** SIGTERM (a graceful stop), SIGKILL if the node is still there after a while. */
    void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        awaitExit(p);
    }

    private void awaitExit(Process p) {
        try {
            p.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("{}: JVM {} did not exit: {}", name, p.pid(), e.toString());
        }
        deaths.putIfAbsent(p.pid(), System.currentTimeMillis());
    }

    /** The execution journal of every incarnation of this node. */
    List<ExecutionJournal.Entry> journal() {
        return ExecutionJournal.read(dataDir.resolve(ExecutionJournal.FILE_NAME));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
