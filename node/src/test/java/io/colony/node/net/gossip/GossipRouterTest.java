package io.colony.node.net.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.colony.node.net.PeerNetwork.Validation;
import io.colony.node.net.libp2p.pb.ControlGraft;
import io.colony.node.net.libp2p.pb.ControlIHave;
import io.colony.node.net.libp2p.pb.ControlMessage;
import io.colony.node.net.libp2p.pb.ControlPrune;
import io.colony.node.net.libp2p.pb.Message;
import io.colony.node.net.libp2p.pb.PeerInfo;
import io.colony.node.net.libp2p.pb.RPC;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GossipRouterTest {

    private static final String TOPIC = "ledger";

    private static RouterHarness randomTopology(long seed, int nodes, int degree) {
        RouterHarness h = new RouterHarness(GossipConfig.defaults(), seed);
        for (int i = 0; i < nodes; i++) {
            h.add("n" + i);
        }
        Random rnd = new Random(seed);
        for (int i = 1; i < nodes; i++) {
            h.connect("n" + i, "n" + rnd.nextInt(i)); // a spanning tree keeps it connected
            for (int k = 1; k < degree; k++) {
                int j = rnd.nextInt(nodes);
                if (j != i) {
                    h.connect("n" + i, "n" + j);
                }
            }
        }
        h.drain();
        h.subscribeAll(TOPIC);
        h.drain();
        h.heartbeats(3);
        return h;
    }

    @Test
    void meshFormsWithinBoundsAndMessagesReachEveryone() {
        RouterHarness h = randomTopology(7, 40, 8);
        for (GossipRouter r : h.routers.values()) {
            int size = r.meshPeers(TOPIC).size();
            assertTrue(size >= Math.min(h.config.dLo, r.peers().size()) && size <= h.config.dHi,
                    r.selfId() + " mesh " + size);
        }
        for (int i = 0; i < 10; i++) {
            int direct = h.get("n" + i).publish(TOPIC, ("m" + i).getBytes());
            assertTrue(direct > 0);
            h.drain();
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(39, h.deliveredCount("m" + i), "m" + i);
        }
    }

    @Test
    void sameSeedGivesSameSends() {
        List<RouterHarness.Sent> a = run(42);
        List<RouterHarness.Sent> b = run(42);
        assertEquals(a, b);
        assertFalse(a.equals(run(43)));
    }

    private static List<RouterHarness.Sent> run(long seed) {
        RouterHarness h = randomTopology(seed, 20, 5);
        h.get("n3").publish(TOPIC, "x".getBytes());
        h.drain();
        h.heartbeats(3);
        return h.trace;
    }

    @Test
    void meshOnlyPublishStillReachesEveryoneAndGossipRecoversLosses() {
        GossipConfig.Builder b = GossipConfig.builder();
        b.floodPublish = false;
        RouterHarness h = new RouterHarness(b.build(), 3);
        for (int i = 0; i < 30; i++) {
            h.add("n" + i);
        }
        for (int i = 0; i < 30; i++) {
            for (int j = i + 1; j < 30; j++) {
                h.connect("n" + i, "n" + j);
            }
        }
        h.drain();
        h.subscribeAll(TOPIC);
        h.drain();
        h.heartbeats(2);
        Random lossRandom = new Random(1);
        // lose 40% of full-message transmissions: only IHAVE/IWANT can make up for them
        h.loss = s -> s.rpc().getPublishCount() > 0 && !s.rpc().hasControl() && lossRandom.nextDouble() < 0.4;
        h.get("n0").publish(TOPIC, "lossy".getBytes());
        h.drain();
        h.loss = s -> false;
        h.heartbeats(3);
        assertEquals(29, h.deliveredCount("lossy"));
    }

    @Test
    void badSignatureIsRejectedNotForwardedAndPenalised() {
        RouterHarness h = new RouterHarness(GossipConfig.defaults(), 1);
        h.add("a");
        h.add("b");
        h.add("c");
        h.connect("a", "b");
        h.connect("b", "c");
        h.subscribeAll(TOPIC);
        h.drain();
        h.heartbeats(1);
        Message forged = Message.newBuilder().setFrom(ByteString.copyFromUtf8("a")).setTopic(TOPIC)
                .setData(ByteString.copyFromUtf8("evil")).setSeqno(ByteString.copyFrom(new byte[8]))
                .setSignature(ByteString.copyFrom(new byte[8])).build();
        h.get("b").handleRpc("a", RPC.newBuilder().addPublish(forged).build());
        h.drain();
        assertEquals(0, h.deliveredCount("evil"));
        assertTrue(h.get("b").score("a") < 0);
        // unsigned messages are invalid too
        h.get("b").handleRpc("a", RPC.newBuilder().addPublish(forged.toBuilder().clearSignature()).build());
        h.drain();
        assertEquals(0, h.deliveredCount("evil"));
        assertTrue(h.get("b").score("a") < h.config.gossipThreshold);
        // the real message from a still gets through (the forgery was not marked seen)
        h.get("a").publish(TOPIC, "good".getBytes());
        h.drain();
        assertEquals(2, h.deliveredCount("good"));
    }

    @Test
    void validatorVerdictsControlDeliveryAndScore() {
        RouterHarness h = new RouterHarness(GossipConfig.defaults(), 1);
        h.add("a");
        h.add("b");
        h.add("c");
        h.connect("a", "b");
        h.connect("b", "c");
        h.drain();
        h.get("a").subscribe(TOPIC, (f, d) -> Validation.ACCEPT);
        h.get("c").subscribe(TOPIC, (f, d) -> Validation.ACCEPT);
        h.get("b").subscribe(TOPIC, (f, d) -> switch (new String(d)) {
            case "reject" -> Validation.REJECT;
            case "ignore" -> Validation.IGNORE;
            default -> Validation.ACCEPT;
        });
        h.drain();
        h.heartbeats(1);
        h.get("a").publish(TOPIC, "ignore".getBytes());
        h.drain();
        assertEquals(0, h.deliveredCount("ignore"));
        assertEquals(0.0, h.get("b").score("a"));
        h.get("a").publish(TOPIC, "reject".getBytes());
        h.drain();
        assertEquals(0, h.deliveredCount("reject"));
        assertTrue(h.get("b").score("a") < 0);
        h.get("a").publish(TOPIC, "fine".getBytes());
        h.drain();
        assertEquals(2, h.deliveredCount("fine"));
    }

    @Test
    void graftDuringBackoffIsPenalisedAndPrunedAgain() {
        RouterHarness h = new RouterHarness(GossipConfig.defaults(), 1);
        h.add("a");
        h.add("b");
        h.connect("a", "b");
        h.subscribeAll(TOPIC);
        h.drain();
        h.heartbeats(1);
        assertTrue(h.get("a").meshPeers(TOPIC).contains("b"));
        h.get("a").unsubscribe(TOPIC); // prunes b with a backoff
        h.get("a").subscribe(TOPIC, (f, d) -> Validation.ACCEPT);
        h.drain();
        RPC graft = RPC.newBuilder().setControl(ControlMessage.newBuilder()
                .addGraft(ControlGraft.newBuilder().setTopicID(TOPIC))).build();
        h.trace.clear();
        for (int i = 0; i <= h.config.behaviourPenaltyThreshold; i++) {
            h.get("a").handleRpc("b", graft);
        }
        assertTrue(h.get("a").score("b") < 0);
        assertFalse(h.get("a").meshPeers(TOPIC).contains("b"));
        assertTrue(h.trace.stream().anyMatch(s -> s.rpc().getControl().getPruneCount() == 1));
    }

    @Test
    void ihaveLeadsToIwantAndBrokenPromisesArePenalised() {
        RouterHarness h = new RouterHarness(GossipConfig.defaults(), 1);
        h.add("a");
        h.add("b");
        h.connect("a", "b");
        h.subscribeAll(TOPIC);
        h.drain();
        ByteString unknownId = ByteString.copyFromUtf8("b-00000001");
        RPC ihave = RPC.newBuilder().setControl(ControlMessage.newBuilder().addIhave(
                ControlIHave.newBuilder().setTopicID(TOPIC).addMessageIDs(unknownId))).build();
        h.trace.clear();
        h.get("a").handleRpc("b", ihave);
        assertEquals(unknownId, h.trace.get(0).rpc().getControl().getIwant(0).getMessageIDs(0));
        h.queue.clear(); // b never answers
        h.now[0] += h.config.iwantFollowupMillis + 1;
        h.get("a").heartbeat();
        assertEquals(0.0, h.get("a").score("b")); // tolerated up to the threshold
        for (int i = 1; i <= h.config.behaviourPenaltyThreshold; i++) {
            h.get("a").handleRpc("b", RPC.newBuilder().setControl(ControlMessage.newBuilder().addIhave(
                    ControlIHave.newBuilder().setTopicID(TOPIC).addMessageIDs(ByteString.copyFromUtf8("b-" + i))))
                    .build());
        }
        h.queue.clear();
        h.now[0] += h.config.iwantFollowupMillis + 1;
        h.get("a").heartbeat();
        assertTrue(h.get("a").score("b") < 0);
    }

    @Test
    void pruneWithPeerExchangeReachesTheCallbackAndSetsBackoff() {
        RouterHarness h = new RouterHarness(GossipConfig.defaults(), 1);
        h.add("a");
        h.add("b");
        h.connect("a", "b");
        h.subscribeAll(TOPIC);
        h.drain();
        RPC prune = RPC.newBuilder().setControl(ControlMessage.newBuilder().addPrune(ControlPrune.newBuilder()
                .setTopicID(TOPIC).setBackoff(60)
                .addPeers(PeerInfo.newBuilder().setPeerID(ByteString.copyFromUtf8("x")))
                .addPeers(PeerInfo.newBuilder().setPeerID(ByteString.copyFromUtf8("y"))))).build();
        h.get("a").handleRpc("b", prune);
        assertEquals(List.of("a<-b:[x, y]"), h.exchanges);
        assertFalse(h.get("a").meshPeers(TOPIC).contains("b"));
        h.heartbeats(5); // backoff holds: no re-graft
        assertFalse(h.get("a").meshPeers(TOPIC).contains("b"));
    }

    @Test
    void oversubscribedMeshIsPrunedToD() {
        RouterHarness h = new RouterHarness(GossipConfig.defaults(), 5);
        h.add("hub");
        for (int i = 0; i < 20; i++) {
            h.add("p" + i);
            h.connect("p" + i, "hub"); // the hub sees them all as inbound
        }
        h.subscribeAll(TOPIC);
        h.drain();
        assertTrue(h.get("hub").meshPeers(TOPIC).size() <= h.config.dHi);
        h.heartbeats(1);
        int size = h.get("hub").meshPeers(TOPIC).size();
        assertTrue(size >= h.config.dLo && size <= h.config.dHi, "mesh " + size);
    }

    @Test
    void boundsAreEnforced() {
        RouterHarness h = new RouterHarness(GossipConfig.defaults(), 1);
        GossipRouter a = h.add("a");
        assertThrows(IllegalArgumentException.class, () -> a.publish(TOPIC, new byte[h.config.maxMessageSize + 1]));
        assertThrows(IllegalArgumentException.class, () -> a.publish("", new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> a.subscribe("t".repeat(1000), (f, d) -> Validation.ACCEPT));
    }

    @Test
    void iwantAnswersAreCappedPerPeerAndSplitUnderTheRpcLimit() {
        RouterHarness h = new RouterHarness(GossipConfig.defaults(), 1);
        h.add("a");
        h.add("b");
        h.connect("a", "b");
        h.subscribeAll(TOPIC);
        h.drain();
        h.heartbeats(1);
        List<ByteString> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            h.get("a").publish(TOPIC, new byte[600 * 1024]);
            ids.add(GossipRouter.messageId(h.trace.get(h.trace.size() - 1).rpc().getPublish(0)));
        }
        h.queue.clear();
        RPC iwant = RPC.newBuilder().setControl(ControlMessage.newBuilder().addIwant(
                io.colony.node.net.libp2p.pb.ControlIWant.newBuilder().addAllMessageIDs(ids))).build();
        for (int round = 0; round < 5; round++) {
            h.trace.clear();
            h.get("a").handleRpc("b", iwant);
            int sent = h.trace.stream().mapToInt(s -> s.rpc().getPublishCount()).sum();
            assertEquals(round < h.config.gossipRetransmission ? 3 : 0, sent, "round " + round);
            assertTrue(h.trace.stream().allMatch(s -> s.rpc().getSerializedSize() <= h.config.maxMessageSize + 128 * 1024));
        }
    }

    @Test
    void fanoutPublishingWithoutSubscribingPlusGossipReachesAll() {
        GossipConfig.Builder b = GossipConfig.builder();
        b.floodPublish = false;
        RouterHarness h = new RouterHarness(b.build(), 9);
        h.add("pub");
        for (int i = 0; i < 10; i++) {
            h.add("s" + i);
            h.connect("pub", "s" + i);
            h.get("s" + i).subscribe(TOPIC, (f, d) -> Validation.ACCEPT);
        }
        h.drain();
        assertEquals(h.config.d, h.get("pub").publish(TOPIC, "via fanout".getBytes()));
        h.drain();
        assertEquals(h.config.d, h.deliveredCount("via fanout"));
        // the others only know pub: IHAVE gossip from its fanout brings them the message
        h.heartbeats(2);
        assertEquals(10, h.deliveredCount("via fanout"));
    }

    @Test
    void unsubscribingPeerLeavesTheMesh() {
        RouterHarness h = new RouterHarness(GossipConfig.defaults(), 1);
        h.add("a");
        h.add("b");
        h.connect("a", "b");
        h.subscribeAll(TOPIC);
        h.drain();
        h.heartbeats(1);
        assertTrue(h.get("a").meshPeers(TOPIC).contains("b"));
        h.get("b").unsubscribe(TOPIC);
        h.drain();
        assertFalse(h.get("a").meshPeers(TOPIC).contains("b"));
        assertFalse(h.get("a").topicPeers(TOPIC).contains("b"));
        assertEquals(0, h.get("a").publish(TOPIC, "x".getBytes()));
    }
}
