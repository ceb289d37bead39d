package io.colony.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.colony.node.KeyFiles;
import io.colony.node.cluster.JoinToken;
import io.colony.protocol.Conditions;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Hex;
import io.colony.protocol.Identity;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.RequestSignature;
import io.colony.protocol.WireRecord;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import io.colony.sdk.ColonyClient;
import io.colony.sdk.ColonyException;
import io.colony.sdk.NodeInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A colony of real node processes on loopback, made with the user commands: {@code colony dev} (the
 * owner's node, where specs are submitted), a {@code colony bootstrap} peer, and nodes started with
 * {@code colony node start --join TOKEN} whose tokens name only the bootstrap peer. One colony serves
 * every test (starting JVMs is the slow part); the tests run in order and the last one kills a node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ColonyProcessesTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    private static final List<NodeJvm> jvms = Collections.synchronizedList(new ArrayList<>());
    private static NodeJvm dev;
    private static NodeJvm boot;
    /** the only node with executor type "gpu" */
    private static NodeJvm gpu;
    /** two nodes with executor type "cli" */
    private static NodeJvm cli1;
    private static NodeJvm cli2;
    private static Identity user;
    private static Identity owner;
    private static String colony;

    @BeforeAll
    static void startColony() throws Exception {
        dev = spawn("dev", "dev", "--data", dir.resolve("dev").toString(), "--api-port", "0", "--p2p-port", "0",
                "--executor-type", "none").awaitReady();
        owner = KeyFiles.read(dir.resolve("dev").resolve("owner.key"));
        user = Identity.parse(dev.export("COLONY_PRVKEY"));
        colony = owner.memberId();
        boot = spawn("boot", "bootstrap", "--data", dir.resolve("boot").toString(), "--p2p-host", "127.0.0.1",
                "--p2p-port", "0", "--join", invite("boot", "--bootstrap", dev.peerAddress())).awaitReady();
        // the tokens name only the bootstrap peer
        gpu = joinNode("gpu", "gpu");
        cli1 = joinNode("cli1", "cli");
        cli2 = joinNode("cli2", "cli");
        for (NodeJvm n : List.of(gpu, cli1, cli2)) {
            n.awaitReady();
        }
        // every node meets every other (peer exchange through the bootstrap peer)
        for (NodeJvm n : List.of(dev, gpu, cli1, cli2)) {
            await().atMost(WAIT).until(() -> n.client(owner).peers().size() >= 4);
        }
    }

    @AfterAll
    static void stopColony() throws InterruptedException {
        for (NodeJvm n : jvms) {
            n.close();
        }
    }

    private static NodeJvm spawn(String label, String... args) throws IOException {
        NodeJvm n = NodeJvm.start(label, dir, args);
        jvms.add(n);
        return n;
    }

    private static NodeJvm joinNode(String name, String executorType) throws Exception {
        return spawn(name, "node", "start", "--data", dir.resolve(name).toString(), "--api-port", "0",
                "--p2p-host", "127.0.0.1", "--p2p-port", "0", "--executor-type", executorType, "--executor-name", name,
                "--capacity", "2", "--lease-ms", "2000", "--allow", "*", "--join", invite(name, "--bootstrap", boot.peerAddress()));
    }

    /** {@code colony member invite --data DEV ...}, in this JVM. */
    private static String invite(String name, String... more) {
        List<String> args = new ArrayList<>(List.of("member", "invite", "--data", dir.resolve("dev").toString(),
                "--name", name));
        args.addAll(List.of(more));
        return run(0, args.toArray(String[]::new)).strip();
    }

    /** Runs a {@code colony} command in this JVM and returns its stdout; checks the exit status. */
    private static String run(int status, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int s = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(status, s, "colony " + String.join(" ", args) + ": " + err);
        return status == 0 ? out.toString() : err.toString();
    }

    private static FunctionSpec spec(String type, String funcname, List<String> args, int maxretries) {
        return new FunctionSpec(null, funcname, args, null, null, Conditions.of(type), 0, 0, maxretries, 0, null, false);
    }

    private static ProcessView awaitFinal(NodeJvm on, String id) {
        ColonyClient c = on.client(owner);
        await().atMost(WAIT).ignoreExceptions().until(() -> c.get(id).state().isFinal());
        return c.get(id);
    }

    @Test
    @Order(1)
    void specSubmittedOnOneNodeRunsOnTheOnlyMatchingExecutorAndReadsTheSameEverywhere() {
        ProcessView p = dev.client(user).submit(spec("gpu", "echo", List.of("hello", "colony"), 0));
        ProcessView onCli1 = awaitFinal(cli1, p.id());
        assertEquals(ProcessState.SUCCESS, onCli1.state(), onCli1.errors().toString());
        assertEquals("gpu", onCli1.executorName());
        assertEquals(List.of("hello colony"), onCli1.output());
        String asSeenByRunner = run(0, "process", "get", p.id(), "--json", "--port", "" + gpu.apiPort(),
                "--key", user.privateKeyHex());
        for (NodeJvm n : List.of(dev, cli1, cli2)) {
            awaitFinal(n, p.id());
            assertEquals(asSeenByRunner, run(0, "process", "get", p.id(), "--json", "--port", "" + n.apiPort(),
                    "--key", user.privateKeyHex()),
                    "the record on " + n.label());
        }
        NodeInfo info = dev.client(owner).nodeInfo();
        assertEquals(colony, info.colony());
        assertTrue(info.addresses().get(0).matches("/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/12D3Koo\\w+"), info.addresses().toString());
        String peers = run(0, "node", "peers", "--port", "" + dev.apiPort(), "--key", user.privateKeyHex());
        for (NodeJvm n : List.of(gpu, cli1, cli2)) {
            assertTrue(peers.contains(n.nodeName()), peers);
        }
    }

    @Test
    @Order(2)
    void twoExecutorsSeeingTheSameProcessesAtOnceRunEachExactlyOnce() throws IOException {
        Path runs = dir.resolve("runs.txt");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            NodeJvm on = i % 2 == 0 ? cli1 : cli2; // both executors hear of each process within milliseconds
            ids.add(on.client(user).submit(spec("cli", "sh", List.of("-c",
                    "echo \"$COLONY_PROCESS_ID $COLONY_ATTEMPT\" >> " + runs), 0)).id());
        }
        Map<String, Integer> executors = new HashMap<>();
        for (String id : ids) {
            ProcessView p = awaitFinal(dev, id);
            assertEquals(ProcessState.SUCCESS, p.state(), p.errors().toString());
            executors.merge(p.executorName(), 1, Integer::sum);
        }
        // the runners' own record: one line per run
        List<String> lines = Files.readAllLines(runs);
        Map<String, Long> perProcess = lines.stream().map(l -> l.split(" ")[0])
                .collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()));
        assertEquals(Set.copyOf(ids), perProcess.keySet(), lines.toString());
        perProcess.forEach((id, n) -> assertEquals(1L, n, id + " ran " + n + " times"));
        assertTrue(Set.of("cli1", "cli2").containsAll(executors.keySet()), executors.toString());
    }

    @Test
    @Order(3)
    void forgedTokensAndNonMembersAreRefused() throws Exception {
        // a token whose admission is not signed by the owner: one line, nothing started
        Identity impostor = Identity.generate();
        Identity member = Identity.generate();
        SignedRecord fakeAdmit = new RecordFactory(impostor, owner.publicKey())
                .admit(System.currentTimeMillis(), member.publicKey(), Role.NODE, "x", 0);
        String forged = new JoinToken(owner.publicKey(), member, fakeAdmit, List.of(boot.peerAddress())).encode();
        String err = run(1, "node", "start", "--data", dir.resolve("forged").toString(), "--api-port", "0",
                "--p2p-port", "0", "--join", forged);
        assertEquals("colony: join token's admission is not signed by the colony owner", err.strip());
        assertFalse(Files.exists(dir.resolve("forged").resolve("node.key")));

        // a node with the colony id but no admission: peers drop it, it learns nothing
        NodeJvm intruder = spawn("intruder", "node", "start", "--data", dir.resolve("intruder").toString(),
                "--colony", colony, "--bootstrap", boot.peerAddress(), "--api-port", "0", "--p2p-host", "127.0.0.1",
                "--p2p-port", "0", "--executor-type", "cli", "--allow", "*").awaitReady();
        try {
            ColonyClient c = intruder.client(owner);
            await().during(Duration.ofSeconds(4)).atMost(WAIT).until(() -> {
                NodeInfo i = c.nodeInfo();
                return i.peers().isEmpty() && i.processCount() == 0;
            });
            String intruderPeer = c.nodeInfo().peerId();
            for (NodeJvm n : List.of(dev, gpu)) {
                assertTrue(n.client(owner).peers().stream().noneMatch(p -> p.peerId().equals(intruderPeer)));
            }
        } finally {
            intruder.close();
        }
    }

    @Test
    @Order(4)
    void badSignaturesRevokedMembersAndReplaysChangeNothing() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        RecordFactory userRecords = new RecordFactory(user, owner.publicKey());

        // a Submit whose signature does not match its body
        SignedRecord good = userRecords.submit(System.currentTimeMillis(), spec("cli", "echo", List.of("x"), 0));
        WireRecord w = WireRecord.of(good);
        char flipped = w.signature().charAt(0) == '0' ? '1' : '0';
        WireRecord bad = new WireRecord(w.body(), w.signer(), flipped + w.signature().substring(1));
        byte[] badBody = json.writeValueAsBytes(bad);
        HttpRequest.Builder badReq = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dev.apiPort()
                + "/api/v1/processes")).POST(HttpRequest.BodyPublishers.ofByteArray(badBody))
                .header("Content-Type", "application/json");
        RequestSignature.headers(user, "POST", "/api/v1/processes", badBody).forEach(badReq::header);
        HttpResponse<String> r = http.send(badReq.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode(), r.body());
        String badId = pid(good);
        assertThrows(ColonyException.NotFoundException.class, () -> dev.client(owner).get(badId));

        // a member admitted, then revoked: its new records count nowhere, replaying its Admit changes nothing
        Identity member = Identity.generate();
        SignedRecord admit = new RecordFactory(owner, owner.publicKey())
                .admit(System.currentTimeMillis(), member.publicKey(), Role.USER, "temp", 0);
        postMembership(http, json, dev, admit);
        ColonyClient onCli2 = cli2.client(member);
        await().atMost(WAIT).ignoreExceptions().until(() -> onCli2.submit(spec("none", "echo", List.of("m"), 0)) != null);
        run(0, "member", "revoke", member.memberId(), "--data", dir.resolve("dev").toString(), "--port",
                "" + dev.apiPort());
        await().atMost(WAIT).until(() -> refused(onCli2));
        postMembership(http, json, cli1, admit); // replay
        for (NodeJvm n : List.of(dev, cli1, cli2, gpu)) {
            ColonyClient c = n.client(member);
            await().atMost(WAIT).until(() -> refused(c));
        }

        // replaying a finished process's Submit leaves it as it was
        SignedRecord submit = userRecords.submit(System.currentTimeMillis(), spec("cli", "echo", List.of("once"), 0));
        postRecord(http, json, cli1, submit);
        ProcessView done = awaitFinal(dev, pid(submit));
        assertEquals(ProcessState.SUCCESS, done.state());
        for (NodeJvm n : List.of(dev, cli2)) {
            postRecord(http, json, n, submit);
        }
        for (NodeJvm n : List.of(dev, cli1, cli2)) {
            ProcessView again = awaitFinal(n, done.id());
            assertEquals(done.history().size(), again.history().size(), n.label());
            assertEquals(done.attempt(), again.attempt());
            assertEquals(ProcessState.SUCCESS, again.state());
        }
    }

    private static String pid(SignedRecord submit) {
        return Hex.encode(Records.decode(submit).processId());
    }

    private static boolean refused(ColonyClient c) {
        try {
            c.submit(spec("none", "echo", List.of("after revoke"), 0));
            return false;
        } catch (ColonyException.AccessDeniedException e) {
            return true;
        }
    }

    private static void postMembership(HttpClient http, ObjectMapper json, NodeJvm n, SignedRecord r) throws Exception {
        HttpResponse<String> resp = post(http, json, n, "/api/v1/members", r);
        assertEquals(200, resp.statusCode(), resp.body());
    }

    private static void postRecord(HttpClient http, ObjectMapper json, NodeJvm n, SignedRecord r) throws Exception {
        HttpResponse<String> resp = post(http, json, n, "/api/v1/processes", r);
        assertTrue(resp.statusCode() == 200 || resp.statusCode() == 201, resp.statusCode() + " " + resp.body());
    }

    private static HttpResponse<String> post(HttpClient http, ObjectMapper json, NodeJvm n, String path, SignedRecord r)
            throws Exception {
        byte[] body = json.writeValueAsBytes(WireRecord.of(r));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.apiPort() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
        // the request is signed by the owner (a member who may use every route); the record inside by its signer
        RequestSignature.headers(owner, "POST", path, body).forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(5)
    void killedNodesWorkIsFinishedElsewhereAndItCatchesUpAfterRestartLikeANewNode() throws Exception {
        Path marker = dir.resolve("marker");
        Path sleepPid = dir.resolve("sleep.pid");
        String script = "if [ -f " + marker + " ]; then echo again; else touch " + marker + "; sleep 300 & echo $! > "
                + sleepPid + "; wait; fi";
        String id = dev.client(user).submit(spec("cli", "sh", List.of("-c", script), 2)).id();
        await().atMost(WAIT).until(() -> Files.exists(sleepPid) && !Files.readString(sleepPid).isBlank());
        long sleep = Long.parseLong(Files.readString(sleepPid).strip());
        await().atMost(WAIT).until(() -> dev.client(owner).get(id).state() == ProcessState.RUNNING);
        String runner = dev.client(owner).get(id).executorName();
        NodeJvm victim = runner.equals("cli1") ? cli1 : cli2;
        NodeJvm survivor = victim == cli1 ? cli2 : cli1;

        victim.kill();
        await().atMost(WAIT).until(() -> !alive(sleep));
        ProcessView p = awaitFinal(dev, id);
        assertEquals(ProcessState.SUCCESS, p.state(), p.errors().toString());
        assertEquals(List.of("again"), p.output());
        assertEquals(2, p.attempt());
        assertEquals(survivor.nodeName(), p.executorName());

        // work done while the victim is down
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(dev.client(user).submit(spec("cli", "echo", List.of("while-down-" + i), 0)).id());
        }
        for (String i : ids) {
            assertEquals(ProcessState.SUCCESS, awaitFinal(dev, i).state());
        }

        // restarted with only its data dir: the key, colony and bootstrap peer come from there
        NodeJvm back = spawn("cli-back", "node", "start", "--data", dir.resolve(victim.label()).toString(),
                "--api-port", "0", "--p2p-host", "127.0.0.1", "--p2p-port", "0", "--executor-type", "cli", "--allow", "*");
        NodeJvm late = spawn("late", "node", "start", "--data", dir.resolve("late").toString(), "--api-port", "0",
                "--p2p-host", "127.0.0.1", "--p2p-port", "0", "--executor-type", "none", "--join",
                invite("late", "--bootstrap", boot.peerAddress()));
        back.awaitReady();
        late.awaitReady();
        assertEquals(victim.memberId(), back.memberId());
        Map<String, ProcessState> expected = states(dev);
        for (NodeJvm n : List.of(back, late)) {
            await().atMost(WAIT).ignoreExceptions().until(() -> states(n).equals(states(dev)));
            assertTrue(states(n).keySet().containsAll(ids));
        }
        assertTrue(expected.size() >= 20, "history: " + expected.size());
    }

    private static Map<String, ProcessState> states(NodeJvm n) {
        Map<String, ProcessState> m = new TreeMap<>();
        for (ProcessView p : n.client(owner).list(null, 1000)) {
            m.put(p.id(), p.state());
        }
        return m;
    }

    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
