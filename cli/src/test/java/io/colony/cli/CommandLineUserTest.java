package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.colony.protocol.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The command line as a ColonyOS user types it, against a dev node: ids, exit codes, short forms, messages. */
class CommandLineUserTest extends DevNodeCliTest {

    private static final String ECHO = "{\"conditions\": {\"executortype\": \"cli\"}, \"funcname\": \"echo\", \"args\": [\"x\"]}";
    private static final String WORKFLOW = "{\"functionspecs\": [{\"nodename\": \"a\", \"conditions\": {\"executortype\": \"cli\"},"
            + " \"funcname\": \"echo\", \"args\": [\"x\"]}]}";

    private static String port() {
        return Integer.toString(node.apiPort());
    }

    @Test
    void execSubmitsWithoutASpecFileAndAShortIdPrefixNamesTheProcess() throws Exception {
        Result r = client("process", "exec", "--type", "cli", "--func", "echo", "--args", "hello", "--args", "world",
                "--env", "A=1", "--kwargs", "k:v", "--label", "exec-test", "--wait", "--timeout", "60");
        assertEquals(0, r.status(), r.err());
        assertEquals("hello world\n", r.out());

        Result ps = client("process", "ps", "--label", "exec-test", "--json");
        assertEquals(0, ps.status(), ps.err());
        JsonNode list = JSON.readTree(ps.out());
        assertEquals(1, list.size(), ps.out());
        String id = list.get(0).get("id").asText();
        assertEquals("A", list.get(0).get("spec").get("env").fieldNames().next());

        Result get = client("process", "get", id.substring(0, 8));
        assertEquals(0, get.status(), get.err());
        assertTrue(get.out().contains(id), get.out());
        Result logs = client("log", "get", id.substring(0, 10));
        assertEquals(0, logs.status(), logs.err());
        assertTrue(logs.out().contains("hello world"), logs.out());

        Result tooShort = client("process", "get", id.substring(0, 4));
        assertEquals(1, tooShort.status());
        oneErrorLine(tooShort);
        assertTrue(tooShort.err().contains("6 to 64 hex"), tooShort.err());
        Result tooLong = client("process", "get", id + "ff");
        assertEquals(1, tooLong.status());
        oneErrorLine(tooLong);
        assertTrue(tooLong.err().contains("an id is 64 hex characters"), tooLong.err());
        Result notHex = client("process", "get", "zz" + id.substring(2, 10));
        assertEquals(1, notHex.status());
        assertTrue(notHex.err().contains("must be hex characters"), notHex.err());
        Result none = client("process", "get", "ffffff" + "0".repeat(10));
        assertEquals(1, none.status());
        oneErrorLine(none);
        assertTrue(none.err().contains("no process id starts with"), none.err());
    }

    @Test
    void shortFormsOfPsAndFilters() throws Exception {
        Result r = client("process", "exec", "--type", "cli", "--func", "true", "--label", "short-forms", "--wait");
        assertEquals(0, r.status(), r.err());
        Result pss = client("process", "pss", "--label", "short-forms", "--json");
        assertEquals(0, pss.status(), pss.err());
        assertEquals(1, JSON.readTree(pss.out()).size(), pss.out());
        Result psf = client("process", "psf", "--label", "short-forms", "--json");
        assertEquals(0, JSON.readTree(psf.out()).size(), psf.out());
        Result psw = client("process", "psw", "--label", "short-forms", "--json");
        assertEquals(0, JSON.readTree(psw.out()).size(), psw.out());
        Result psr = client("process", "psr", "--label", "short-forms", "--json");
        assertEquals(0, JSON.readTree(psr.out()).size(), psr.out());
        Result otherType = client("process", "ps", "--executortype", "nothing-of-this-type", "--json");
        assertEquals(0, JSON.readTree(otherType.out()).size(), otherType.out());
        Result cliType = client("process", "ps", "--executortype", "cli", "--label", "short-forms", "--json");
        assertEquals(1, JSON.readTree(cliType.out()).size(), cliType.out());
    }

    @Test
    void usageErrorsExitTwoAndTimeOutsExitThree() throws Exception {
        assertEquals(2, client("process", "ps", "--limit", "-1").status());
        assertEquals(2, client("process", "ps", "--limit", "abc").status());
        assertEquals(2, client("process", "ps", "--limit", "1001").status());

        Path f = file(ECHO.replace("\"x\"", "\"never-submitted\""));
        Result r = client("process", "submit", "--spec", f.toString(), "--timeout", "-5", "--wait");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("--timeout"), r.err());
        Result ps = client("process", "ps", "--json", "--limit", "1000");
        assertFalse(ps.out().contains("never-submitted"), "a usage error submitted nothing");

        Result slow = client("process", "exec", "--type", "cli", "--func", "sleep", "--args", "30", "--wait",
                "--timeout", "1s");
        assertEquals(3, slow.status(), slow.err());
        oneErrorLine(slow);
        assertTrue(slow.err().contains("timed out"), slow.err());
        Result waiting = client("process", "psr", "--json");
        for (JsonNode p : JSON.readTree(waiting.out())) {
            client("process", "cancel", p.get("id").asText());
        }
        Result psw = client("process", "psw", "--json");
        for (JsonNode p : JSON.readTree(psw.out())) {
            client("process", "cancel", p.get("id").asText());
        }
    }

    @Test
    void waitTimeoutsTakeTheDurationsOfEveryOtherCommand() throws Exception {
        for (String bad : new String[] {"500ms", "31d", "0", "-5", "5x", "1h30"}) {
            Result r = client("process", "exec", "--type", "cli", "--func", "echo", "--args", "never-submitted-" + bad,
                    "--wait", "--timeout", bad);
            assertEquals(2, r.status(), bad + ": " + r.err());
            oneErrorLine(r);
            assertTrue(r.err().contains("--timeout"), r.err());
        }
        Result ps = client("process", "ps", "--json", "--limit", "1000");
        assertFalse(ps.out().contains("never-submitted"), "a usage error submitted nothing");
        Result log = client("log", "follow", "0".repeat(64), "--timeout", "2x");
        assertEquals(2, log.status(), log.err());
        oneErrorLine(log);
        Result ok = client("process", "exec", "--type", "cli", "--func", "echo", "--args", "in-time", "--wait",
                "--timeout", "2m");
        assertEquals(0, ok.status(), ok.err());
        assertEquals("in-time\n", ok.out());
    }

    @Test
    void helpDocumentsExitCodesAndSummariesStandAlone() {
        Result help = colony("process", "submit", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("Exit status"), help.out());
        assertTrue(help.out().contains("3") && help.out().contains("timed out waiting"), help.out());
        Result process = colony("process", "--help");
        String cancelLine = process.out().lines().filter(l -> l.strip().startsWith("cancel")).findFirst().orElseThrow();
        assertFalse(cancelLine.strip().endsWith(":"), cancelLine);
        assertTrue(cancelLine.strip().endsWith("."), cancelLine);
    }

    @Test
    void everyCommandSummaryIsAWholeSentence() {
        java.util.List<String> cut = new java.util.ArrayList<>();
        java.util.Deque<picocli.CommandLine> todo = new java.util.ArrayDeque<>(java.util.List.of(Main.allCommands()));
        while (!todo.isEmpty()) {
            picocli.CommandLine c = todo.pop();
            String[] d = c.getCommandSpec().usageMessage().description();
            if (d.length > 0 && !d[0].strip().endsWith(".")) {
                cut.add(c.getCommandSpec().qualifiedName() + ": " + d[0]);
            }
            todo.addAll(c.getSubcommands().values());
        }
        assertTrue(cut.isEmpty(), String.join("\n", cut));
    }

    @Test
    void swappedFileKindsNameTheOtherCommand() throws Exception {
        Path wf = file(WORKFLOW);
        Result r = client("process", "submit", "--spec", wf.toString());
        assertEquals(1, r.status());
        oneErrorLine(r);
        assertTrue(r.err().contains("colony workflow submit"), r.err());

        Path spec = file(ECHO);
        Result w = client("workflow", "submit", "--spec", spec.toString());
        assertEquals(1, w.status());
        oneErrorLine(w);
        assertTrue(w.err().contains("colony process submit"), w.err());
    }

    @Test
    void malformedJsonNamesLineAndColumnNotTheParser() throws Exception {
        Path f = file("{\"conditions\": {\"executortype\": \"cli\"},\n \"funcname\": echo}");
        Result r = client("process", "submit", "--spec", f.toString());
        assertEquals(1, r.status());
        oneErrorLine(r);
        assertTrue(r.err().contains("line 2, column"), r.err());
        assertFalse(r.err().contains("Source") || r.err().contains("REDACTED") || r.err().contains("StreamReadFeature"),
                r.err());
    }

    @Test
    void workflowLsAndCancelEveryUnfinishedStep() throws Exception {
        Path f = file("""
                {"functionspecs": [
                  {"nodename": "first", "funcname": "true", "conditions": {"executortype": "cli"}},
                  {"nodename": "slow", "funcname": "sleep", "args": ["60"], "conditions": {"executortype": "cli",
                   "dependencies": ["first"]}},
                  {"nodename": "after", "funcname": "true", "conditions": {"executortype": "cli", "dependencies": ["slow"]}}
                ]}""");
        Result r = client("workflow", "submit", "--spec", f.toString());
        assertEquals(0, r.status(), r.err());
        String id = r.out().strip();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                client("workflow", "get", id, "--json").out().contains("\"RUNNING\""));

        Result ls = client("workflow", "ls", "--state", "running");
        assertEquals(0, ls.status(), ls.err());
        assertTrue(ls.out().contains(id), ls.out());
        assertTrue(ls.out().contains("slow:RUNNING"), ls.out());

        Result cancel = client("workflow", "cancel", id.substring(0, 8), "--reason", "enough");
        assertEquals(0, cancel.status(), cancel.err());
        assertTrue(cancel.out().contains("cancelled"), cancel.out());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode w = JSON.readTree(client("workflow", "get", id, "--json").out());
            return w.get("state").asText().equals("FAILED");
        });
        JsonNode w = JSON.readTree(client("workflow", "get", id, "--json").out());
        assertEquals("SUCCESS", w.get("processes").get(0).get("state").asText(), "a finished step keeps its state");
        assertEquals("FAILED", w.get("processes").get(1).get("state").asText());
        Result failed = client("workflow", "ls", "--state", "failed");
        assertTrue(failed.out().contains(id), failed.out());
        assertFalse(client("workflow", "ls", "--state", "success").out().contains(id));
    }

    @Test
    void logFollowOfAFailedProcessPrintsItsLinesThenItsErrors() throws Exception {
        Result r = client("process", "exec", "--type", "cli", "--func", "sh", "--args=-c",
                "--args", "echo out-line; echo err-line >&2; exit 3", "--wait", "--timeout", "60");
        assertEquals(1, r.status(), r.err());
        String id = JSON.readTree(client("process", "psf", "--json", "--limit", "1").out()).get(0).get("id").asText();
        Result follow = client("log", "follow", id.substring(0, 12));
        assertEquals(1, follow.status(), follow.err());
        assertTrue(follow.out().contains("out-line"), follow.out());
        assertTrue(follow.out().contains("err-line"), follow.out());
        assertTrue(follow.err().contains("FAILED"), follow.err());

        JsonNode logs = JSON.readTree(client("log", "get", id, "--json").out());
        boolean out = false;
        boolean err = false;
        for (JsonNode e : logs.get("entries")) {
            assertTrue(e.get("timeMs").asLong() > 0, e.toString());
            out |= e.get("line").asText().equals("out-line") && e.get("stream").asText().equals("stdout");
            err |= e.get("line").asText().equals("err-line") && e.get("stream").asText().equals("stderr");
        }
        assertTrue(out && err, logs.toString());
        Result longForm = client("log", "get", id, "--long");
        assertTrue(longForm.out().lines().anyMatch(l -> l.endsWith(" stderr err-line") && l.matches("^\\d{4}-.*")),
                longForm.out());
        Result plain = client("log", "get", id);
        assertTrue(plain.out().lines().anyMatch(l -> l.equals("err-line")), plain.out());
    }

    @Test
    void logFollowPrintsLinesAsTheNodeStoresThemUntilTheEnd() throws Exception {
        Result r = client("process", "exec", "--type", "cli", "--func", "sh", "--args=-c",
                "--args", "echo first; sleep 1; echo second; sleep 1; echo third");
        assertEquals(0, r.status(), r.err());
        String id = r.out().strip();
        Result follow = client("log", "follow", id, "--timeout", "60");
        assertEquals(0, follow.status(), follow.err());
        assertEquals("first\nsecond\nthird\n", follow.out());
        assertEquals("", follow.err());

        Result slow = client("process", "exec", "--type", "cli", "--func", "sleep", "--args", "30");
        String slowId = slow.out().strip();
        Result timedOut = client("log", "follow", slowId, "--timeout", "1");
        assertEquals(3, timedOut.status(), timedOut.err());
        client("process", "cancel", slowId);
    }

    @Test
    void memberLsShowsNamesAndRoles() throws Exception {
        Result r = client("member", "ls", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode all = JSON.readTree(r.out());
        assertEquals("owner", all.get(0).get("role").asText());
        assertEquals(dev.owner().memberId(), all.get(0).get("id").asText());
        boolean user = false;
        for (JsonNode m : all) {
            if (m.get("id").asText().equals(dev.user().memberId())) {
                user = m.get("role").asText().equals("user") && m.get("name").asText().equals("dev-user")
                        && m.get("valid").asBoolean();
            }
        }
        assertTrue(user, r.out());
        Result table = client("member", "ls");
        assertTrue(table.out().contains("dev-user"), table.out());
    }

    @Test
    void memberCommandsRefuseAKeyThatIsNotTheOwner() throws Exception {
        Result invite = client("member", "invite", "--name", "n2");
        assertEquals(1, invite.status(), invite.out());
        oneErrorLine(invite);
        assertTrue(invite.err().contains("not the owner") && invite.err().contains("--data DEV_DIR"), invite.err());
        assertEquals("", invite.out(), "no token for a colony that does not exist");

        Identity stranger = Identity.generate();
        Result add = client("member", "add", "--id", stranger.memberId(), "--role", "user");
        assertEquals(1, add.status());
        oneErrorLine(add);
        assertTrue(add.err().contains("not the owner"), add.err());
        Result revoke = client("member", "revoke", dev.user().memberId());
        assertEquals(1, revoke.status());
        assertTrue(revoke.err().contains("not the owner"), revoke.err());

        Result ok = colony("member", "invite", "--data", dev.dir().toString(), "--port", port(), "--name", "n2");
        assertEquals(0, ok.status(), ok.err());
        assertTrue(ok.out().startsWith("colony"), ok.out());
    }

    @Test
    void revokingAKeyNeverAdmittedSaysSo() {
        Identity stranger = Identity.generate();
        Result r = colony("member", "revoke", stranger.memberId(), "--data", dev.dir().toString(), "--port", port());
        assertEquals(1, r.status(), r.out());
        oneErrorLine(r);
        assertTrue(r.err().contains("never admitted"), r.err());
        assertFalse(r.out().contains("revoked"), r.out());
    }

    @Test
    void oneDurationSyntaxAndCronsThatNeverFireAreRefused() throws Exception {
        Path wf = file(WORKFLOW);
        Result gen = client("generator", "add", "--spec", wf.toString(), "--trigger", "5", "--timeout", "1d");
        assertEquals(0, gen.status(), gen.err());
        String genId = gen.out().strip();
        Result get = client("generator", "get", genId.substring(0, 8));
        assertEquals(0, get.status(), get.err());
        assertTrue(get.out().contains(genId), get.out());
        assertEquals(0, client("generator", "remove", genId.substring(0, 8)).status());

        Result never = client("cron", "add", "--spec", wf.toString(), "--cron", "0 0 0 31 2 *");
        assertEquals(2, never.status(), never.err());
        assertTrue(never.err().contains("never fires"), never.err());

        Result invite = colony("member", "invite", "--data", dev.dir().toString(), "--port", "1", "--expires", "30d");
        assertEquals(0, invite.status(), invite.err());
    }

    @Test
    void keyGenerateOntoAnExistingFileSaysItExists() throws Exception {
        Path f = Files.createTempFile(dir, "key", ".txt");
        Result r = colony("key", "generate", "--out", f.toString());
        assertEquals(1, r.status());
        oneErrorLine(r);
        assertTrue(r.err().contains("file exists"), r.err());
        assertEquals(0, Files.size(f));
    }

    @Test
    void cdsArchiveIntoAMissingDirectorySaysSo() {
        Result r = colony("node", "cds-archive", "--out", dir.resolve("missing").resolve("colony.jsa").toString());
        assertEquals(1, r.status());
        oneErrorLine(r);
        assertTrue(r.err().contains("no such directory"), r.err());
    }

    @Test
    void joinWithAMissingTokenFileSaysNoSuchFile() {
        Result r = colony("node", "start", "--data", dir.resolve("joiner").toString(), "--join", "@"
                + dir.resolve("no-token.txt"), "--api-port", "0", "--p2p-port", "-1");
        assertEquals(1, r.status());
        oneErrorLine(r);
        assertTrue(r.err().contains("no such file"), r.err());
    }
}
