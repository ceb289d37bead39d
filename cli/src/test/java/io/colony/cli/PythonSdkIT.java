package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python SDK's tests ({@code sdk/python/tests}, pytest), after the jar is built (failsafe,
 * {@code verify}): they start a dev node from {@code cli/target/colony.jar} and drive it from Python.
 * Needs {@code python3} with the {@code cryptography}, {@code protobuf} and {@code pytest} modules
 * ({@code .ci/run} installs them); a missing one fails here with what to install.
 */
class PythonSdkIT {

    private static final String PYTHON = System.getenv().getOrDefault("COLONY_PYTHON", "/usr/bin/python3");

    @TempDir
    Path dir;

    @Test
    void pythonSdkTestsPassAgainstANodeFromTheJar() throws Exception {
        Path jar = Path.of(System.getProperty("colony.jar", "target/colony.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "no " + jar);
        Path sdk = jar.getParent().getParent().getParent().resolve("sdk").resolve("python");
        assertTrue(Files.isDirectory(sdk.resolve("tests")), "no " + sdk.resolve("tests"));

        Run check = run(sdk, List.of(PYTHON, "-c", "import cryptography, google.protobuf, pytest"), 60);
        assertEquals(0, check.status, PYTHON + " lacks a module the Python SDK needs (apt-get install -y"
                + " python3-cryptography python3-protobuf python3-pytest): " + check.out);

        Run tests = run(sdk, List.of(PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"), 900);
        System.out.println(tests.out);
        assertEquals(0, tests.status, "pytest sdk/python/tests failed:\n" + tail(tests.out, 6000));
        assertTrue(tests.out.matches("(?s).*\\d+ passed.*"), tests.out);
    }

    private record Run(int status, String out) {
    }

    private Run run(Path workDir, List<String> cmd, long timeoutS) throws IOException, InterruptedException {
        Path log = dir.resolve("out-" + System.nanoTime() + ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        CdsArchive.cleanEnvironment(pb.environment());
        pb.environment().keySet().removeIf(k -> k.startsWith("COLONY_"));
        pb.environment().put("COLONY_JAR", System.getProperty("colony.jar", "target/colony.jar"));
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process p = pb.start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            return new Run(-1, "timed out after " + timeoutS + " s\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static String tail(String s, int n) {
        return s.length() <= n ? s : s.substring(s.length() - n);
    }
}
