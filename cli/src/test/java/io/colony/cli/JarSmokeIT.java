package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The minimized shaded jar, run as users run it ({@code java -jar colony.jar ...}), after the shade
 * step (failsafe, {@code verify}): every command's help, a node started from the jar running a process
 * submitted through the jar's CLI (JSON logs, libp2p between two jar nodes, crons and generators,
 * Prometheus metrics, Jackson output), {@code bench all} with its start-up rows and the class-data
 * archive, and the {@code ./colony} launcher's archive handling. Classes the minimizer dropped by
 * mistake (loaded by name: logback, picocli, Jackson, netty, MapDB/Kotlin, Bouncy Castle, Micrometer,
 * cron-utils) fail here.
 */
class JarSmokeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path jar;

    @TempDir
    Path dir;

    @BeforeAll
    static void findJar() {
        jar = Path.of(System.getProperty("colony.jar", "target/colony.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "no " + jar + ": run 'mvn verify' (the jar is made by the package phase)");
    }

    private record Run(int status, String out, String err) {
    }

    private static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(CdsArchive.java().toString(), "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs {@code java -jar colony.jar ARGS} to its end. */
    private Run run(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(java(args)).directory(dir.toFile());
        CdsArchive.cleanEnvironment(pb.environment());
        pb.environment().putAll(env);
        Process p = pb.start();
        Future<String> out = Executors.newSingleThreadExecutor(daemon()).submit(() -> read(p.getInputStream()));
        String err = read(p.getErrorStream());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "colony " + String.join(" ", args) + " did not end");
        return new Run(p.exitValue(), out.get(), err);
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r, "jar-smoke");
            t.setDaemon(true);
            return t;
        };
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- every command

    private static void commands(CommandLine c, List<String> path, List<List<String>> all) {
        for (Map.Entry<String, CommandLine> e : c.getSubcommands().entrySet()) {
            if (e.getValue().getCommandSpec().usageMessage().hidden()) {
                continue;
            }
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            all.add(p);
            commands(e.getValue(), p, all);
        }
    }

    @Test
    void everyCommandPrintsItsHelpFromTheJar() throws Exception {
        List<List<String>> all = new ArrayList<>();
        commands(Main.allCommands(), List.of(), all);
        assertTrue(all.size() > 30, "commands: " + all);
        all.add(List.of()); // colony --help
        ExecutorService pool = Executors.newFixedThreadPool(2, daemon());
        try {
            List<Future<String>> checks = new ArrayList<>();
            for (List<String> cmd : all) {
                checks.add(pool.submit(() -> {
                    List<String> args = new ArrayList<>(cmd);
                    args.add("--help");
                    Run r = run(Map.of(), args.toArray(String[]::new));
                    String name = String.join(" ", Stream.concat(Stream.of("colony"), cmd.stream()).toList());
                    if (r.status() != 0 || !r.out().contains("Usage: " + name + " [") || !r.err().isEmpty()) {
                        return name + " --help: exit " + r.status() + ", " + r.out().lines().findFirst().orElse("")
                                + " / " + r.err().strip();
                    }
                    return null;
                }));
            }
            List<String> failures = new ArrayList<>();
            for (Future<String> f : checks) {
                String failure = f.get();
                if (failure != null) {
                    failures.add(failure);
                }
            }
            assertEquals(List.of(), failures);
        } finally {
            pool.shutdownNow();
        }
        Run v = run(Map.of(), "--version");
        assertEquals(0, v.status());
        assertTrue(v.out().matches("colony \\d+\\.\\d+\\.\\d+.*\\s*"), v.out());
    }

    // ---------------------------------------------------------------- nodes and a process from the jar

    /** A long-running {@code java -jar colony.jar ...}: its stdout lines, its stderr lines. */
    private static final class Daemon implements AutoCloseable {
        final Process process;
        final List<String> out = new CopyOnWriteArrayList<>();
        final List<String> err = new CopyOnWriteArrayList<>();

        Daemon(Path workDir, String... args) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(java(args)).directory(workDir.toFile());
            CdsArchive.cleanEnvironment(pb.environment());
            process = pb.start();
            pump(process.getInputStream(), out::add);
            pump(process.getErrorStream(), err::add);
        }

        private static void pump(InputStream in, Consumer<String> sink) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        sink.accept(line);
                    }
                } catch (IOException ignored) {
                    // the process is gone
                }
            }, "jar-daemon");
            t.setDaemon(true);
            t.start();
        }

        /** The value of the first stdout line starting with {@code prefix}, waiting for it. */
        String await(String prefix) {
            Awaitility.await(prefix).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                    .failFast("exited: " + err, () -> !process.isAlive())
                    .until(() -> out.stream().anyMatch(l -> l.startsWith(prefix)));
            return out.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length()).strip();
        }

        @Override
        public void close() {
            process.destroy(); // SIGTERM: graceful stop
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void nodesFromTheJarRunAProcessSubmittedThroughTheJar() throws Exception {
        Path devDir = dir.resolve("dev");
        try (Daemon dev = new Daemon(dir, "dev", "--data", devDir.toString(), "--api-port", "0", "--p2p-port", "0",
                "--log-format", "json")) {
            String bootstrap = dev.await("export COLONY_BOOTSTRAP=");
            String key = dev.await("export COLONY_PRVKEY=");
            // JSON log lines from the shaded logback (its JSON encoder is loaded by the command, not by name)
            Awaitility.await("JSON start-up log line").atMost(Duration.ofSeconds(30))
                    .until(() -> dev.err.stream().anyMatch(l -> l.startsWith("{") && l.contains("API listening")));
            for (String line : dev.err) {
                JsonNode event = JSON.readTree(line);
                assertTrue(event.hasNonNull("level") && event.hasNonNull("formattedMessage"), line);
            }

            // a second node joins with a token from the jar: libp2p, Noise (Bouncy Castle) between two jar JVMs
            Run invite = run(Map.of(), "member", "invite", "--data", devDir.toString(), "--bootstrap",
                    bootstrap.split(",")[0]);
            assertEquals(0, invite.status(), invite.err());
            Path tokenFile = dir.resolve("token.txt");
            Files.writeString(tokenFile, invite.out().strip());
            try (Daemon node = new Daemon(dir, "node", "start", "--data", dir.resolve("n2").toString(), "--join",
                    "@" + tokenFile, "--api-port", "0", "--p2p-port", "0", "--p2p-host", "127.0.0.1",
                    "--executor-name", "jar-node", "--allow", "*")) {
                String api = node.await("api ");
                String port = api.substring(api.lastIndexOf(':') + 1);
                Map<String, String> env = new HashMap<>(Map.of("COLONY_HOST", "127.0.0.1", "COLONY_PORT", port,
                        "COLONY_PRVKEY", key));
                Awaitility.await("the nodes see each other").atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(500)).until(() -> {
                            Run peers = run(env, "node", "peers", "--json");
                            return peers.status() == 0 && JSON.readTree(peers.out()).size() == 1;
                        });

                Path spec = dir.resolve("hello.json");
                Files.writeString(spec, "{\"conditions\": {\"executortype\": \"cli\"}, \"funcname\": \"echo\","
                        + " \"args\": [\"hello-from-the-jar\"]}");
                Run submit = run(env, "process", "submit", "--spec", spec.toString(), "--wait", "--timeout", "120",
                        "--json");
                assertEquals(0, submit.status(), submit.err() + submit.out());
                JsonNode process = JSON.readTree(submit.out());
                assertEquals("SUCCESS", process.path("state").asText(), submit.out());
                assertEquals("hello-from-the-jar", process.path("output").path(0).asText(), submit.out());
                String id = process.path("id").asText();

                Run log = run(env, "log", "get", id);
                assertEquals(0, log.status(), log.err());
                assertTrue(log.out().contains("hello-from-the-jar"), log.out());
                Run ps = run(env, "process", "ps");
                assertTrue(ps.status() == 0 && ps.out().contains(id), ps.out() + ps.err());
                Run status = run(env, "node", "status", "--json");
                assertEquals(0, status.status(), status.err());
                assertEquals("jar-node", JSON.readTree(status.out()).path("name").asText(), status.out());
                // the same process on the dev node, through gossip
                Map<String, String> devEnv = new HashMap<>(env);
                devEnv.put("COLONY_PORT", dev.await("export COLONY_PORT="));
                Awaitility.await("the process reaches the dev node").atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(500)).until(() -> {
                            Run get = run(devEnv, "process", "get", id, "--json");
                            return get.status() == 0 && JSON.readTree(get.out()).path("state").asText().equals("SUCCESS");
                        });

                // crons (cron-utils parses the schedule) and generators, through the jar
                Path tick = dir.resolve("tick.json");
                Files.writeString(tick, "{\"conditions\": {\"executortype\": \"cli\"}, \"funcname\": \"echo\","
                        + " \"args\": [\"tick-from-the-jar\"]}");
                Run cron = run(env, "cron", "add", "--spec", tick.toString(), "--cron", "* * * * * *", "--name", "jar-cron");
                assertEquals(0, cron.status(), cron.err());
                String cronId = cron.out().strip();
                Awaitility.await("a cron tick from the jar").atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(500)).until(() -> {
                            Run get = run(env, "cron", "get", cronId, "--json");
                            return get.status() == 0 && JSON.readTree(get.out()).path("runs").asInt() >= 1;
                        });
                assertEquals(0, run(env, "cron", "remove", cronId).status());
                Run gen = run(env, "generator", "add", "--spec", tick.toString(), "--trigger", "1", "--name", "jar-gen");
                assertEquals(0, gen.status(), gen.err());
                String genId = gen.out().strip();
                Run pack = run(env, "generator", "pack", genId, "--arg", "x");
                assertEquals("1 of 1 packed", pack.out().strip(), pack.err());
                Awaitility.await("a generator run from the jar").atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(500)).until(() -> {
                            Run get = run(env, "generator", "get", genId, "--json");
                            return get.status() == 0 && JSON.readTree(get.out()).path("runs").asInt() >= 1;
                        });

                // Micrometer and its Prometheus registry, with the JVM meters bound at the first scrape
                HttpRequest.Builder scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));
                io.colony.protocol.RequestSignature.headers(io.colony.protocol.Identity.parse(env.get("COLONY_PRVKEY")),
                        "GET", "/metrics", null).forEach(scrape::header);
                HttpResponse<String> metrics = HttpClient.newHttpClient().send(scrape.build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, metrics.statusCode());
                assertTrue(metrics.body().contains("colony_processes{state=\"SUCCESS\"}"), metrics.body());
                assertTrue(metrics.body().contains("jvm_memory_used_bytes{"), metrics.body());
                assertTrue(node.err.stream().anyMatch(l -> l.contains("API listening")), String.join("\n", node.err));
            }
        }
    }

    // ---------------------------------------------------------------- bench all, class-data archive

    @Test
    void benchAllFromTheJarTimesStartUpWithAndWithoutAClassDataArchive() throws Exception {
        Run r = run(Map.of(), "bench", "all", "--json", "--processes", "20", "--clients", "2", "--nodes", "2",
                "--colony-processes", "6", "--samples", "3", "--missed", "20", "--ledger-processes", "30", "--batch",
                "64", "--heap-processes", "300", "--starts", "1");
        assertEquals(0, r.status(), r.err() + r.out());
        JsonNode all = JSON.readTree(r.out());
        assertTrue(all.path("machine").path("cores").asInt() > 0, r.out());
        assertEquals(14, all.path("rows").size(), r.out());
        JsonNode plain = all.path("rows").path(0);
        JsonNode cds = all.path("rows").path(1);
        assertTrue(plain.path("what").asText().startsWith("start-up: main to API listening"), plain.toString());
        assertTrue(plain.path("values").path("mainToApiMsMedian").asLong() > 0, plain.toString());
        assertTrue(cds.path("what").asText().startsWith("start-up with an AppCDS archive"), cds.toString());
        assertTrue(cds.path("values").path("mainToApiMsMedian").asLong() > 0, cds.toString());
        assertTrue(cds.path("values").path("archiveBytes").asLong() > 1_000_000, cds.toString());
        for (JsonNode row : all.path("rows")) {
            assertFalse(row.path("result").asText().startsWith("FAILED"), row.toString());
        }
    }

    @Test
    void launcherMakesAndUsesTheArchiveAndIgnoresABadOne() throws Exception {
        Path root = jar.getParent().getParent().getParent(); // <root>/cli/target/colony.jar
        Path launcher = root.resolve("colony");
        assumeTrue(Files.isExecutable(launcher), "no launcher at " + launcher);
        // the launcher rebuilds the jar when sources are newer; this test must not start a build
        long jarTime = Files.getLastModifiedTime(jar).toMillis();
        try (Stream<Path> sources = Stream.concat(Stream.of("protocol", "node", "sdk", "cli")
                .flatMap(m -> Stream.concat(walk(root.resolve(m).resolve("src/main")), Stream.of(root.resolve(m).resolve("pom.xml")))),
                Stream.of(root.resolve("pom.xml")))) {
            assumeTrue(sources.noneMatch(p -> p.toFile().lastModified() > jarTime), "sources newer than the jar");
        }
        Path jsa = jar.resolveSibling("colony.jsa");
        Files.deleteIfExists(jsa);
        Files.deleteIfExists(jar.resolveSibling("colony.jsa.failed"));
        Run first = launch(launcher, "--version");
        assertEquals(0, first.status(), first.err());
        assertTrue(first.err().contains("making a class-data archive"), first.err());
        assertTrue(Files.size(jsa) > 1_000_000, "archive " + jsa);
        Run second = launch(launcher, "--version");
        assertEquals(0, second.status(), second.err());
        assertEquals(first.out(), second.out());
        assertEquals("", second.err(), "no note, no JVM warning");
        // a damaged archive: the JVM refuses it silently and starts as usual
        jsa.toFile().setWritable(true);
        Files.write(jsa, new byte[4096]);
        Files.setLastModifiedTime(jsa, java.nio.file.attribute.FileTime.fromMillis(jarTime + 1000));
        Run damaged = launch(launcher, "key", "generate", "--json");
        assertEquals(0, damaged.status(), damaged.err());
        assertEquals("", damaged.err());
        assertTrue(JSON.readTree(damaged.out()).path("id").asText().length() == 64, damaged.out());
        Files.deleteIfExists(jsa);
        Files.deleteIfExists(jar.resolveSibling("colony.jsa.jdk"));
    }

    private static Stream<Path> walk(Path p) {
        try {
            return Files.exists(p) ? Files.walk(p).filter(Files::isRegularFile).toList().stream() : Stream.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Run launch(Path launcher, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        CdsArchive.cleanEnvironment(pb.environment());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        Future<String> out = Executors.newSingleThreadExecutor(daemon()).submit(() -> read(p.getInputStream()));
        String err = read(p.getErrorStream());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        return new Run(p.exitValue(), out.get(), err);
    }
}
