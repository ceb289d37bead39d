package io.colony.cli.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * A short chaos run with real node processes: 5 nodes, 200 sleeps, a SIGKILL every 3 s. Every
 * invariant must hold (exit status 0); the runner kills its children even when it fails.
 */
class ChaosRunTest {

    @Test
    void fiveNodesSurviveKillsWithoutLostOrDoubleExecutedProcesses() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(out), new PrintWriter(err), "chaos", "run", "--nodes", "5",
                "--processes", "200", "--kill-every", "3s", "--duration", "60s", "--seed", "7",
                "--max-sleep-ms", "800"); // a temporary data dir: deleted on success, kept (and printed) on a violation
        String report = out.toString();
        assertEquals(0, status, report + err);
        assertTrue(report.contains("200 submitted, 200 succeeded, 0 failed, 0 lost"), report);
        assertTrue(report.contains("double executions:  0"), report);
        assertTrue(report.matches("(?s).*kills:\\s+[1-9].*"), "nodes were killed: " + report);
    }

    @Test
    void badSettingsAreOneLineErrors() {
        StringWriter err = new StringWriter();
        assertEquals(Main.EXIT_ERROR, Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
                "chaos", "run", "--nodes", "2"));
        assertEquals("colony: --nodes must be in 3..32", err.toString().strip());
        err = new StringWriter();
        assertEquals(Main.EXIT_USAGE, Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
                "chaos", "run", "--kill-every", "soon"));
        assertTrue(err.toString().startsWith("colony: ") && err.toString().strip().lines().count() == 1, err.toString());
    }
}
