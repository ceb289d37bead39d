package io.colony.node.net.libp2p;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a js-libp2p script from {@code src/test/js} as a child process: installs the npm packages
 * once ({@code npm ci} when {@code node_modules} is missing or older than the lock file), reads
 * the JSON lines the script prints, sends it JSON commands, and kills it (and its children) on
 * {@link #close()}. Tests using it are skipped when {@code node} is not on the PATH.
 */
public final class JsPeer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static boolean installed;

    private final Process process;
    private final OutputStream stdin;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();

    private JsPeer(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        Thread reader = new Thread(this::readLines, "js-peer-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code script} (relative to the js directory) with arguments and waits for its
     * {@code {"event":"ready"}} line.
     */
    public static JsPeer start(String script, String... args) {
        Path dir = jsDir();
        assumeNode();
        ensureInstalled(dir);
        List<String> cmd = new ArrayList<>(List.of("node", script));
        cmd.addAll(List.of(args));
        try {
            Path log = Files.createDirectories(Path.of("target", "js-logs"))
                    .resolve(script.replace('/', '_') + "-" + System.nanoTime() + ".log");
            Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectError(log.toFile()).start();
            JsPeer peer = new JsPeer(p);
            Runtime.getRuntime().addShutdownHook(new Thread(peer::kill));
            peer.awaitEvent(e -> "ready".equals(e.path("event").asText()), Duration.ofSeconds(60));
            return peer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The js directory of this module ({@code src/test/js}), whatever the working directory. */
    public static Path jsDir() {
        for (Path p : List.of(Path.of("src", "test", "js"), Path.of("node", "src", "test", "js"))) {
            if (Files.isRegularFile(p.resolve("package.json"))) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException("cannot find src/test/js");
    }

    /** Skips the calling test, with a clear message, when {@code node} is not installed. */
    public static void assumeNode() {
        boolean ok;
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            ok = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            ok = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
        }
        Assumptions.assumeTrue(ok, "node is not on the PATH: skipping js-libp2p interop");
    }

    /** Runs {@code npm ci} once per JVM if node_modules is missing or older than package-lock.json. */
    public static synchronized void ensureInstalled(Path dir) {
        if (installed) {
            return;
        }
        try {
            Path modules = dir.resolve("node_modules");
            Path lock = dir.resolve("package-lock.json");
            Path marker = modules.resolve(".package-lock.json");
            boolean stale = !Files.isDirectory(modules) || !Files.exists(marker)
                    || Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(lock)) < 0;
            if (stale) {
                installLocked(dir, marker);
            }
            installed = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs npm ci under a file lock, so that concurrent test JVMs do not install over each other. */
    private static void installLocked(Path dir, Path marker) throws IOException {
        Path lockFile = dir.resolve("../../../target/npm-ci.lock").normalize();
        Files.createDirectories(lockFile.getParent());
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = ch.lock()) {
            Path lockJson = dir.resolve("package-lock.json");
            if (Files.exists(marker) && Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(lockJson)) >= 0) {
                return;
            }
            try {
                Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                        .directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IllegalStateException("npm ci failed in " + dir);
                }
                Files.setLastModifiedTime(marker, FileTime.fromMillis(System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private void readLines() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                try {
                    events.add(JSON.readTree(line));
                } catch (IOException e) {
                    events.add(JSON.createObjectNode().put("event", "garbage").put("line", line));
                }
            }
        } catch (IOException e) {
            // process ended
        }
    }

    /** Sends a command: {@code send("ping", "peer", id)} sends {@code {"cmd":"ping","peer":id}}. */
    public void send(String cmd, Object... keyValues) {
        ObjectNode n = JSON.createObjectNode().put("cmd", cmd);
        for (int i = 0; i < keyValues.length; i += 2) {
            n.set((String) keyValues[i], JSON.valueToTree(keyValues[i + 1]));
        }
        try {
            synchronized (stdin) {
                stdin.write((n + "\n").getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("js peer is gone", e);
        }
    }

    /** Sends a command and waits for its result event (or fails on an error event). */
    public JsonNode call(String resultEvent, Duration timeout, String cmd, Object... keyValues) {
        int from = events.size();
        send(cmd, keyValues);
        JsonNode e = awaitEvent(from, n -> resultEvent.equals(n.path("event").asText())
                || "error".equals(n.path("event").asText()) && cmd.equals(n.path("cmd").asText()), timeout);
        if ("error".equals(e.path("event").asText())) {
            throw new AssertionError("js " + cmd + " failed: " + e.path("message").asText());
        }
        return e;
    }

    /** Waits for an event matching {@code p} (including ones already received). */
    public JsonNode awaitEvent(Predicate<JsonNode> p, Duration timeout) {
        return awaitEvent(0, p, timeout);
    }

    private JsonNode awaitEvent(int from, Predicate<JsonNode> p, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> find(from, p).isPresent() || !process.isAlive());
        return find(from, p).orElseThrow(() -> new AssertionError("js peer exited; events: " + events));
    }

    private Optional<JsonNode> find(int from, Predicate<JsonNode> p) {
        List<JsonNode> snapshot = new ArrayList<>(events);
        for (int i = from; i < snapshot.size(); i++) {
            if (p.test(snapshot.get(i))) {
                return Optional.of(snapshot.get(i));
            }
        }
        return Optional.empty();
    }

    /** All events so far. */
    public List<JsonNode> events() {
        return List.copyOf(events);
    }

    /** The js peer id from the ready line. */
    public PeerId peerId() {
        return PeerId.parse(events.get(0).path("peerId").asText());
    }

    /** The js peer's first listen address (with {@code /p2p}). */
    public Multiaddr address() {
        return Multiaddr.parse(events.get(0).path("addrs").get(0).asText());
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                send("exit");
                process.waitFor(3, TimeUnit.SECONDS);
            } catch (RuntimeException e) {
                // already gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        kill();
    }
}
