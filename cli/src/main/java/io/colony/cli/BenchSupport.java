package io.colony.cli;

import io.colony.node.exec.ExecResult;
import io.colony.node.exec.Runner;
import io.colony.node.exec.RunningProcess;
import io.colony.protocol.FunctionSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;

/** What the benchmark commands share: the no-op executor, percentiles, waiting, scratch dirs. */
final class BenchSupport {

    /** Processes of the no-op executor type. */
    static final FunctionSpec NOOP = FunctionSpec.of("noop", "true");
    /** Runs nothing: every process succeeds at once with output "ok". */
    static final Runner NOOP_RUNNER = (req, sink) -> RunningProcess.completed(new ExecResult(0, List.of("ok"), List.of(), null));

    private BenchSupport() {
    }

    /** The {@code p}th percentile (nearest rank) of {@code values}; {@code p} 100 is the maximum. */
    static long percentile(long[] values, int p) {
        long[] s = values.clone();
        Arrays.sort(s);
        int i = Math.min(s.length - 1, Math.max(0, (int) Math.ceil(p / 100.0 * s.length) - 1));
        return s[i];
    }

    /** Like {@link #percentile} for nanoseconds, in milliseconds. */
    static double percentileMs(long[] nanos, int p) {
        return percentile(nanos, p) / 1e6;
    }

    /** Polls {@code condition} every 20 ms until it holds; throws after {@code timeout}. */
    static void waitUntil(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting: " + what);
            }
        }
    }

    /** Deletes a directory tree (benchmark scratch dirs); missing files are fine. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
