package io.colony.node.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.colony.node.KeyFiles;
import io.colony.node.Node;
import io.colony.node.NodeConfig;
import io.colony.node.exec.ExecResult;
import io.colony.node.exec.RunningProcess;
import io.colony.node.lease.LeaseConfig;
import io.colony.node.net.PeerNetwork;
import io.colony.node.net.gossip.GossipConfig;
import io.colony.node.net.libp2p.Ed25519KeyPair;
import io.colony.node.net.libp2p.HostConfig;
import io.colony.node.net.libp2p.Libp2pNetwork;
import io.colony.node.pb.ClaimCheckRequest;
import io.colony.node.pb.DigestRequest;
import io.colony.node.pb.FetchRequest;
import io.colony.node.pb.Hello;
import io.colony.node.pb.HelloResponse;
import io.colony.node.pb.IdsRequest;
import io.colony.node.pb.SyncRequest;
import io.colony.node.pb.SyncResponse;
import io.colony.node.replication.ReplicationConfig;
import io.colony.node.replication.Replicator;
import io.colony.node.replication.SyncDigest;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.Ids;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.SpecCodec;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zero trust on the peer-to-peer side, with real nodes on loopback and attackers built on the
 * project's own libp2p classes: nothing before a membership proof, nothing after a revocation.
 */
class PeerGateTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SECRET = "s3cr3t-" + Long.toHexString(System.nanoTime());

    @TempDir
    Path tmp;

    private final Identity owner = Identity.generate();
    private final RecordFactory ownerRecords = new RecordFactory(owner, owner.publicKey());
    private final Identity user = Identity.generate();
    private final RecordFactory userRecords = new RecordFactory(user, owner.publicKey());
    private final List<Node> nodes = new ArrayList<>();
    private final List<AutoCloseable> closeLast = new ArrayList<>();
    private final ScheduledExecutorService submitter = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void tearDown() throws Exception {
        submitter.shutdownNow();
        for (AutoCloseable c : closeLast) {
            c.close();
        }
        nodes.forEach(Node::close);
    }

    private Node start(String name, List<String> bootstrap, ClusterConfig cluster) {
        return start(name, bootstrap, cluster, ownerRecords, owner.memberId());
    }

    private Node start(String name, List<String> bootstrap, ClusterConfig cluster, RecordFactory admitter,
            String colonyId) {
        Identity key = Identity.generate();
        Path dir = tmp.resolve(name);
        KeyFiles.write(dir.resolve("node.key"), key);
        SignedRecord admit = admitter.admit(System.currentTimeMillis(), key.publicKey(), Role.NODE, name, 0);
        NodeConfig cfg = NodeConfig.of(dir, colonyId)
                .withApi("127.0.0.1", -1)
                .withExecutor("none", name, 1)
                .withLease(LeaseConfig.of(3_000, 300))
                .withRunner((req, sink) -> RunningProcess.completed(new ExecResult(0, req.args(), List.of(), null)))
                .withNetwork(new ColonyNetwork.Settings(PeerNetworkFactory.libp2p("127.0.0.1", 0), bootstrap, admit, cluster,
                        ReplicationConfig.defaults()));
        Node n = Node.start(cfg);
        nodes.add(n);
        return n;
    }

    @SuppressWarnings("unchecked")
    private static List<String> addresses(Node n) {
        return (List<String>) n.info().join().get("addresses");
    }

    private static String peerId(Node n) {
        return (String) n.info().join().get("peerId");
    }

    @SuppressWarnings("unchecked")
    private static List<String> peerIds(Node n) {
        List<String> out = new ArrayList<>();
        for (Object p : (List<Object>) n.info().join().get("peers")) {
            out.add((String) ((Map<String, Object>) p).get("peerId"));
        }
        return out;
    }

    private SignedRecord secretSubmit(String marker) {
        FunctionSpec spec = SpecCodec.parse("{\"conditions\":{\"executortype\":\"gpu\"},\"funcname\":\"echo\","
                + "\"args\":[\"" + marker + "\"],\"env\":{\"TOKEN\":\"" + SECRET + "\"}}");
        return userRecords.submit(System.currentTimeMillis(), spec);
    }

    private ProcessView submit(Node on, String marker) {
        return on.apply(Records.open(secretSubmit(marker))).join();
    }

    private static boolean has(Node n, String processId) {
        return n.process(Ids.parseProcessId(processId)).join().isPresent();
    }

    private List<Node> colony(int size, ClusterConfig cluster) {
        Node first = start("n0", List.of(), cluster);
        first.applyRecords(List.of(ownerRecords.admit(System.currentTimeMillis(), user.publicKey(), Role.USER, "u", 0)))
                .join();
        for (int i = 1; i < size; i++) {
            start("n" + i, addresses(first), cluster);
        }
        await().atMost(WAIT).until(() -> nodes.stream().allMatch(n -> peerIds(n).size() == size - 1));
        await().atMost(WAIT).until(() -> nodes.stream().allMatch(n -> n.isMember(user.publicKey()).join()));
        return nodes;
    }

    /** An attacker's peer: our own libp2p stack with a fresh key, recording every byte it is given. */
    private final class Stranger implements AutoCloseable {
        final Libp2pNetwork net = new Libp2pNetwork(HostConfig.builder(Ed25519KeyPair.generate())
                .listen("/ip4/127.0.0.1/tcp/0").build(), GossipConfig.defaults());
        final List<byte[]> received = new CopyOnWriteArrayList<>();
        final AtomicInteger gossip = new AtomicInteger();

        Stranger(byte[] colony) {
            net.start();
            net.subscribe(Replicator.topicOf(colony), (from, data) -> {
                received.add(data);
                if (!from.equals(net.selfId())) {
                    gossip.incrementAndGet();
                }
                return PeerNetwork.Validation.ACCEPT;
            }, (from, data) -> {
                if (!from.equals(net.selfId())) {
                    gossip.incrementAndGet();
                }
            });
            closeLast.add(this);
        }

        byte[] ask(String peer, String protocol, byte[] request) {
            byte[] answer = net.request(peer, protocol, request, Duration.ofSeconds(10)).join();
            received.add(answer);
            return answer;
        }

        SyncResponse sync(String peer, SyncRequest request) throws Exception {
            return SyncResponse.parseFrom(ask(peer, Replicator.SYNC_PROTOCOL, request.toByteArray()));
        }

        boolean sawSecret() {
            byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
            for (byte[] b : received) {
                if (indexOf(b, secret) >= 0) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() {
            net.close();
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static SyncRequest fullDigestRequest() {
        DigestRequest.Builder d = DigestRequest.newBuilder();
        for (int b = 0; b < SyncDigest.BUCKETS; b++) {
            d.addBucketXor(ByteString.copyFrom(new byte[32])).addBucketCount(0);
        }
        return SyncRequest.newBuilder().setDigest(d).build();
    }

    private static void assertRefused(SyncResponse r) {
        assertEquals(SyncResponse.KindCase.ERROR, r.getKindCase(), r.toString());
        assertEquals(Replicator.NOT_TRUSTED, r.getError());
    }

    @Test
    void nonMemberPeerReceivesNothingAndIsSlowedDownWhenItComesBack() throws Exception {
        ClusterConfig cluster = new ClusterConfig(8, 2_000, 2_000, 5_000, 1_000);
        colony(2, cluster);
        Node n0 = nodes.get(0);
        Node n1 = nodes.get(1);
        byte[] colony = owner.publicKey();
        List<String> submitted = new CopyOnWriteArrayList<>();
        SignedRecord early = secretSubmit("before");
        submitted.add(n0.apply(Records.open(early)).join().id());
        // processes keep arriving while the stranger is there: gossip would carry them to it
        AtomicInteger marker = new AtomicInteger();
        submitter.scheduleAtFixedRate(() -> submitted.add(submit(n0, "m" + marker.incrementAndGet()).id()),
                0, 100, TimeUnit.MILLISECONDS);

        Stranger s = new Stranger(colony);
        String target = s.net.connect(addresses(n0).get(0)).get(10, TimeUnit.SECONDS);
        assertEquals(peerId(n0), target);
        // the whole ledger through sync: digest, ids, records by id, and a claim check
        assertRefused(s.sync(target, fullDigestRequest()));
        List<Integer> all = new ArrayList<>();
        for (int b = 0; b < SyncDigest.BUCKETS; b++) {
            all.add(b);
        }
        assertRefused(s.sync(target, SyncRequest.newBuilder().setIds(IdsRequest.newBuilder().addAllBuckets(all))
                .build()));
        assertRefused(s.sync(target, SyncRequest.newBuilder().setFetch(FetchRequest.newBuilder()
                .addIds(ByteString.copyFrom(Records.recordId(early)))).build()));
        Identity strangerKey = Identity.generate();
        SignedRecord claim = new RecordFactory(strangerKey, colony).claim(System.currentTimeMillis(),
                Ids.parseProcessId(submitted.get(0)), 1, "x", "gpu", System.currentTimeMillis() + 10_000);
        assertRefused(s.sync(target, SyncRequest.newBuilder().setClaimCheck(ClaimCheckRequest.newBuilder()
                .setClaim(claim.toByteString())).build()));
        // a record it sends (a member's valid record it got hold of) is neither applied nor forwarded
        SignedRecord stolen = secretSubmit("stolen");
        String stolenId = Ids.text(Records.open(stolen).id());
        // the node does not even tell it which topics it has (the subscription would come at once)
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> s.net.gossip()
                .inspect(r -> r.topicPeers(Replicator.topicOf(colony))).isEmpty());
        assertTrue(s.net.connectedPeers().contains(target), "still in its probation");
        s.net.publish(Replicator.topicOf(colony), stolen.toByteArray());

        // it stays until its probation ends (it never proves membership), then is thrown out
        await().atMost(WAIT).until(() -> !s.net.connectedPeers().contains(target));
        // and coming back at once is refused (backoff per peer id and per address)
        assertTrue(s.net.connect(addresses(n0).get(0)).handle((p, e) -> e != null).get(10, TimeUnit.SECONDS),
                "the same key coming back within the backoff is refused");
        // a new key from the same address is slowed down too
        Stranger other = new Stranger(colony);
        assertTrue(other.net.connect(addresses(n0).get(0)).handle((p, e) -> e != null).get(10, TimeUnit.SECONDS),
                "another key from the same address within the backoff is refused");
        // after the backoff it may try again: its hello without admission gets an error and nothing else
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> target.equals(s.net.connect(addresses(n0).get(0)).get(5, TimeUnit.SECONDS)));
        HelloResponse hello = HelloResponse.parseFrom(s.ask(target, ClusterManager.HELLO, Hello.newBuilder()
                .setColony(ByteString.copyFrom(colony)).setName("mallory").build().toByteArray()));
        assertFalse(hello.getAccepted());
        assertEquals(0, hello.getPeersCount(), "peer exchange with a non-member");
        assertTrue(hello.getAddressesList().isEmpty() && hello.getName().isEmpty() && hello.getAdmit().isEmpty());
        await().atMost(WAIT).until(() -> s.net.connectedPeers().isEmpty());

        submitter.shutdownNow();
        submitter.awaitTermination(10, TimeUnit.SECONDS);
        // members still replicate among themselves
        List<String> ids = List.copyOf(submitted);
        await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> has(n1, id)));
        assertEquals(0, s.gossip.get() + other.gossip.get(), "gossip delivered to a non-member");
        assertFalse(s.sawSecret() || other.sawSecret(), "a secret of the ledger reached a non-member");
        assertTrue(s.net.gossip().inspect(r -> r.seenCount()) <= 1, "no gossip message but its own");
        assertFalse(has(n0, stolenId) || has(n1, stolenId), "a record sent by a non-member was applied");
        assertFalse(has(n0, Ids.text(Records.recordId(claim))) || n0.process(Ids.parseProcessId(submitted.get(0)))
                .join().orElseThrow().attempt() > 0, "a claim check of a non-member was applied");
    }

    @Test
    void revokedMemberLosesItsLinksWithinASecondAndReceivesNothingSubmittedAfter() {
        colony(3, ClusterConfig.defaults());
        Node n0 = nodes.get(0);
        Node n1 = nodes.get(1);
        Node n2 = nodes.get(2);
        String gone = peerId(n2);
        ProcessView before = submit(n0, "before");
        await().atMost(WAIT).until(() -> has(n2, before.id()));

        n0.applyRecords(List.of(ownerRecords.revoke(System.currentTimeMillis(), n2.identity().publicKey(), "left")))
                .join();
        await().atMost(Duration.ofSeconds(1)).until(() -> !peerIds(n0).contains(gone));
        await().atMost(WAIT).until(() -> !n1.isMember(n2.identity().publicKey()).join());
        await().atMost(Duration.ofSeconds(1)).until(() -> !peerIds(n1).contains(gone));

        ProcessView after = submit(n0, "after");
        await().atMost(WAIT).until(() -> has(n1, after.id()));
        // it keeps trying to reconnect (its bootstrap peer, the peers it knows): refused every time
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8))
                .until(() -> !has(n2, after.id()) && peerIds(n2).isEmpty()
                        && !peerIds(n0).contains(gone) && !peerIds(n1).contains(gone));
    }

    @Test
    void nodeWhoseBootstrapPeersBelongToAnotherColonyStopsWithAClearError() {
        Node ours = start("ours", List.of(), ClusterConfig.defaults());
        Identity otherOwner = Identity.generate();
        RecordFactory otherRecords = new RecordFactory(otherOwner, otherOwner.publicKey());
        Node lost = start("lost", addresses(ours), ClusterConfig.defaults().withMaintainMs(200), otherRecords,
                otherOwner.memberId());
        String why = lost.fatalError().orTimeout(30, TimeUnit.SECONDS).join();
        assertTrue(why.contains("belong to another colony") && why.contains(owner.memberId())
                && why.contains(otherOwner.memberId()) && !why.contains("\n"), why);
        // it stopped: no more dialling, its network is gone
        await().atMost(WAIT).until(() -> peerIds(ours).isEmpty());
        CompletableFuture<String> f = ours.fatalError();
        assertFalse(f.isDone(), "the node of the right colony goes on");
    }

    @Test
    void jsLibp2pNonMemberReceivesNothing() throws Exception {
        io.colony.node.net.libp2p.JsPeer.assumeNode();
        colony(1, new ClusterConfig(8, 2_000, 2_000, 5_000, 1_000));
        Node n0 = nodes.get(0);
        String topic = Replicator.topicOf(owner.publicKey());
        AtomicInteger marker = new AtomicInteger();
        List<String> submitted = new CopyOnWriteArrayList<>();
        submitter.scheduleAtFixedRate(() -> submitted.add(submit(n0, "js" + marker.incrementAndGet()).id()),
                0, 100, TimeUnit.MILLISECONDS);
        io.colony.node.net.libp2p.JsPeer js = io.colony.node.net.libp2p.JsPeer.start("gossip-peer.mjs",
                "--heartbeat", "200");
        closeLast.add(js);
        js.call("subscribed", WAIT, "subscribe", "topic", topic);
        String target = js.call("dialed", WAIT, "dial", "addr", addresses(n0).get(0)).path("peer").asText();
        String digest = java.util.Base64.getEncoder().encodeToString(fullDigestRequest().toByteArray());
        byte[] answer = java.util.Base64.getDecoder().decode(js.call("response", WAIT, "request", "peer", target,
                "protocol", Replicator.SYNC_PROTOCOL, "data", digest).path("data").asText());
        assertRefused(SyncResponse.parseFrom(answer));
        // connected for its whole probation, while processes are submitted: it hears nothing
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> js.call("mesh", WAIT,
                "mesh", "topic", topic).path("subscribers").isEmpty());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> js.call("connections", WAIT,
                "connections").path("peers").isEmpty());
        // coming back at once is refused
        int from = js.events().size();
        js.send("dial", "addr", addresses(n0).get(0));
        await().atMost(WAIT).until(() -> js.events().subList(from, js.events().size()).stream().anyMatch(e ->
                "dial".equals(e.path("cmd").asText()) || "dialed".equals(e.path("event").asText())));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> js.call("connections",
                WAIT, "connections").path("peers").isEmpty());
        submitter.shutdownNow();
        assertFalse(submitted.isEmpty());
        long messages = js.events().stream().filter(e -> "message".equals(e.path("event").asText())).count();
        assertEquals(0, messages, "gossip messages that reached the js peer");
        assertFalse(js.events().toString().contains(SECRET), "a secret reached the js peer");
    }
}
