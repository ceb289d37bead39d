package io.colony.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.colony.node.DevColony;
import io.colony.node.Node;
import io.colony.node.cluster.ColonyNetwork;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * Class-data sharing (AppCDS) for colony.jar: a JDK 17 dynamic archive of the classes a node and the
 * client commands load, which JVMs started with {@link #useFlags} map instead of loading and
 * verifying those classes again (about half of a node's start-up).
 *
 * <p>{@link #create} runs {@code java -XX:ArchiveClassesAtExit=FILE -jar colony.jar node cds-archive
 * --workload}: a child JVM that starts a node (peer-to-peer network and HTTP API on loopback, a
 * {@code cli} executor), submits a process through the client commands, waits for it to succeed,
 * and exits; the JVM writes the archive as it exits. The archive fits only this jar file (path, size
 * and time) and this JDK: a JVM refuses any other archive and loads classes as usual.
 */
final class CdsArchive {

    private CdsArchive() {
    }

    /**
     * How an archive was made.
     *
     * @param file    the archive
     * @param bytes   its size
     * @param seconds time to make and check it
     */
    record Created(Path file, long bytes, double seconds) {
    }

    /** The colony.jar this code runs from (absolute), or null when it runs from classes. */
    static Path runningJar() {
        try {
            CodeSource cs = CdsArchive.class.getProtectionDomain().getCodeSource();
            if (cs == null || cs.getLocation() == null) {
                return null;
            }
            Path p = Path.of(cs.getLocation().toURI()).toAbsolutePath();
            return Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar") ? p : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The java launcher of this JVM. */
    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * JVM flags that use {@code archive} if the JVM accepts it and otherwise start as usual, silently
     * (no CDS warnings on stdout).
     */
    static List<String> useFlags(Path archive) {
        return List.of("-XX:SharedArchiveFile=" + archive.toAbsolutePath(), "-Xshare:auto", "-Xlog:cds*=off");
    }

    /**
     * Makes an archive for {@code jar} at {@code out} (written next to it under a temporary name, then
     * renamed), and checks that a JVM maps it.
     *
     * @throws IllegalStateException one line if the JVM cannot make or use one
     */
    static Created create(Path jar, Path out) {
        Path target = out.toAbsolutePath();
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        try {
            Files.deleteIfExists(tmp);
            List<String> dump = new ArrayList<>(List.of(java().toString(), "-XX:ArchiveClassesAtExit=" + tmp,
                    "-Xshare:auto", "-jar", jar.toString(), "node", "cds-archive", "--workload"));
            run(dump, "making the class-data archive");
            if (!Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                throw new IllegalStateException("this JVM made no class-data archive (" + System.getProperty("java.vm.name")
                        + " " + System.getProperty("java.runtime.version") + ")");
            }
            // -Xshare:on fails if the archive cannot be mapped
            run(List.of(java().toString(), "-XX:SharedArchiveFile=" + tmp, "-Xshare:on", "-jar", jar.toString(),
                    "--version"), "checking the class-data archive");
            // the archive names the jar, not its own file: renaming it keeps it valid
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Created(target, Files.size(target), (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException("class-data archive " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /** Runs a child JVM to its end; throws with its last output line if it fails. */
    private static void run(List<String> cmd, String what) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        cleanEnvironment(pb.environment());
        Process p = pb.start();
        String last = "";
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    last = line.strip();
                }
            }
        }
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(what + ": timed out");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + ": interrupted");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "): " + last);
        }
    }

    /**
     * What the archiving JVM does: the classes it loads are the archive. Starts a node like
     * {@code colony node start} (network and API on loopback, a {@code cli} executor) in a temporary
     * dir, runs the usual client commands against it (a submit that waits for SUCCESS, get, log,
     * status, metrics), prints every command's help, stops the node.
     */
    static void workload() throws IOException {
        Path dir = Files.createTempDirectory("colony-cds");
        PrintWriter sink = new PrintWriter(Writer.nullWriter());
        try {
            CommandLine cli = Main.allCommands();
            usage(cli, sink);
            Main.run(sink, sink, "node", "config", "--data", dir.toString());
            Logging.configure("warn", "text");
            DevColony dev = DevColony.prepare(dir.resolve("node"));
            Node node = Node.start(dev.nodeConfig().withApi("127.0.0.1", 0).withExecutor("cli", "cds", 1)
                    .withNetwork(ColonyNetwork.Settings.of("127.0.0.1", 0, List.of(), null)));
            try {
                dev.admitMembers(node);
                Path spec = dir.resolve("spec.json");
                Files.writeString(spec, "{\"conditions\": {\"executortype\": \"cli\"}, \"funcname\": \"true\"}");
                String[] client = {"--port", Integer.toString(node.apiPort()), "--key", dev.user().privateKeyHex()};
                StringWriter submitted = new StringWriter();
                Main.run(new PrintWriter(submitted), sink, concat(client, "process", "submit", "--spec", spec.toString(),
                        "--wait", "--timeout", "60", "--json"));
                String id = new ObjectMapper().readTree(submitted.toString()).path("id").asText("");
                if (!id.isEmpty()) {
                    Main.run(sink, sink, concat(client, "process", "get", id));
                    Main.run(sink, sink, concat(client, "log", "get", id));
                }
                Main.run(sink, sink, concat(client, "process", "ps"));
                Main.run(sink, sink, concat(client, "node", "status", "--json"));
                Main.run(sink, sink, concat(client, "node", "info"));
                node.metrics().join();
            } finally {
                node.close();
            }
        } finally {
            BenchSupport.deleteTree(dir);
        }
    }

    private static void usage(CommandLine c, PrintWriter sink) {
        sink.print(c.getUsageMessage());
        for (CommandLine sub : c.getSubcommands().values()) {
            usage(sub, sink);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[b.length + a.length];
        System.arraycopy(b, 0, all, 0, b.length);
        System.arraycopy(a, 0, all, b.length, a.length);
        return all;
    }

    /** Removes COLONY_ variables and JAVA_TOOL_OPTIONS: child JVMs must not pick up the caller's settings. */
    static void cleanEnvironment(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("COLONY_") || k.equals("JAVA_TOOL_OPTIONS"));
    }
}
