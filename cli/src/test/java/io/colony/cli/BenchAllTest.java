package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code colony bench all} with tiny sizes, in this JVM (not from the jar: the start-up rows say so;
 * {@code JarSmokeIT} runs it from the jar). Proves that every measurement runs and prints its row.
 */
class BenchAllTest {

    private static final List<String> ROWS = List.of(
            "start-up: main to API listening",
            "start-up with an AppCDS archive",
            "raw Ed25519 verify, 1 core",
            "ledger ingest: verify + apply + durable commit",
            "ledger rebuild on open",
            "processes/s end to end, 1 node, no-op executor",
            "submit-to-RUNNING latency, 1 node",
            "cpu per process, 1 node",
            "submit-to-start latency, 1 node, one in flight",
            "heap per 1,000 processes in a node's ledger",
            "node restart with those processes",
            "record propagation, 2 nodes",
            "processes/s end to end, 2 nodes",
            "catch-up of a restarted node, 2 nodes");

    @Test
    void printsTheMachineAndOneTableWithEveryRow() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(out), new PrintWriter(err), "bench", "all", "--processes", "20",
                "--clients", "2", "--nodes", "2", "--colony-processes", "6", "--samples", "3", "--missed", "20",
                "--ledger-processes", "30", "--batch", "64", "--heap-processes", "300", "--starts", "1");
        String text = out.toString();
        assertEquals(0, status, err + "\n" + text);
        assertTrue(text.contains(" cores, ") && text.contains("load average at start (1, 5, 15 min): "), text);
        assertTrue(text.contains("| what ") && text.contains("| result ") && text.contains("| how measured |"), text);
        List<String> table = text.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| what ")).toList();
        assertEquals(ROWS.size(), table.size(), text);
        for (int i = 0; i < ROWS.size(); i++) {
            assertTrue(table.get(i).startsWith("| " + ROWS.get(i)), ROWS.get(i) + " in\n" + text);
        }
        Pattern number = Pattern.compile("\\| [^|]*\\d[^|]* \\|");
        for (String row : table.subList(2, table.size())) {
            assertTrue(number.matcher(row.substring(row.indexOf('|', 1))).find(), "a number in " + row);
            assertTrue(!row.contains("FAILED"), row);
        }
        assertTrue(table.get(0).contains("not measured: not running from colony.jar"), table.get(0));
        // progress on stderr, step by step
        for (String step : List.of("[1/7]", "[2/7]", "[3/7]", "[4/7]", "[5/7]", "[6/7]", "[7/7]")) {
            assertTrue(err.toString().contains("# " + step), step + " in\n" + err);
        }
    }
}
