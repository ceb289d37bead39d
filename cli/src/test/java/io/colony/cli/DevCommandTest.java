package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README flow: {@code colony dev} in its own JVM, then the printed exports drive a submit. */
class DevCommandTest {

    @TempDir
    Path dir;

    @Test
    void devPrintsExportsThatWorkForSayhelloAndStopsOnSigterm() throws Exception {
        Process dev = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "dev", "--data", dir.resolve("dev").toString(), "--api-port", "0", "--p2p-port", "0")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            Map<String, String> env = exports(dev).get(60, TimeUnit.SECONDS);
            assertTrue(env.containsKey("#runs-all"), "dev says it runs everything: " + env);
            Path spec = dir.resolve("sayhello.json");
            Files.writeString(spec, "{\"conditions\": {\"executortype\": \"cli\"}, \"funcname\": \"echo\", \"args\": [\"sayhello\"]}");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int status = Main.run(new PrintWriter(out), new PrintWriter(err), "process", "submit", "--spec",
                    spec.toString(), "--wait", "--host", env.get("COLONY_HOST"), "--port", env.get("COLONY_PORT"),
                    "--key", env.get("COLONY_PRVKEY"));
            assertEquals(0, status, err.toString());
            assertEquals("sayhello\n", out.toString());
            dev.destroy(); // SIGTERM: graceful stop
            assertTrue(dev.waitFor(30, TimeUnit.SECONDS));
            assertTrue(Files.exists(dir.resolve("dev").resolve("owner.key")));
        } finally {
            dev.destroyForcibly();
        }
    }

    @Test
    void devWithTlsPrintsTheFingerprintExportAndClientsPinIt() throws Exception {
        Process dev = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "dev", "--data", dir.resolve("dev").toString(), "--api-port", "0", "--p2p-port", "-1", "--api-tls",
                "--executor-type", "none")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            Map<String, String> env = exports(dev, 4).get(60, TimeUnit.SECONDS);
            String fp = env.get("COLONY_TLS_FINGERPRINT");
            assertTrue(fp != null && fp.matches("[0-9a-f]{64}"), env.toString());
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int status = Main.run(new PrintWriter(out), new PrintWriter(err), "node", "info", "--host",
                    env.get("COLONY_HOST"), "--port", env.get("COLONY_PORT"), "--key", env.get("COLONY_PRVKEY"),
                    "--tls-fingerprint", fp);
            assertEquals(0, status, err.toString());
            assertTrue(out.toString().contains("API TLS:       sha256 " + fp), out.toString());
            String wrong = (fp.charAt(0) == 'a' ? "b" : "a") + fp.substring(1);
            StringWriter err2 = new StringWriter();
            status = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err2), "node", "info", "--host",
                    env.get("COLONY_HOST"), "--port", env.get("COLONY_PORT"), "--key", env.get("COLONY_PRVKEY"),
                    "--tls-fingerprint", wrong);
            assertEquals(1, status, err2.toString());
            assertEquals(1, err2.toString().strip().lines().count(), err2.toString());
            assertTrue(err2.toString().contains("refusing to connect"), err2.toString());
        } finally {
            dev.destroyForcibly();
        }
    }

    private static CompletableFuture<Map<String, String>> exports(Process dev) {
        return exports(dev, 3);
    }

    private static CompletableFuture<Map<String, String>> exports(Process dev, int lines) {
        return CompletableFuture.supplyAsync(() -> {
            Map<String, String> env = new HashMap<>();
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(dev.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while (env.keySet().stream().filter(k -> !k.startsWith("#")).count() < lines && (line = r.readLine()) != null) {
                    if (line.startsWith("# This dev node runs any program")) {
                        env.put("#runs-all", line);
                    }
                    if (line.startsWith("export ")) {
                        String[] kv = line.substring("export ".length()).split("=", 2);
                        env.put(kv[0], kv[1]);
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return env;
        });
    }
}
