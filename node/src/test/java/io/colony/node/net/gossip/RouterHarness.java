package io.colony.node.net.gossip;

import io.colony.node.net.PeerNetwork.Validation;
import io.colony.node.net.libp2p.pb.RPC;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/** Routers wired together synchronously on a manual clock: RPCs queue up and {@link #drain()} delivers them. */
final class RouterHarness {

    record Sent(String from, String to, RPC rpc) {
    }

    record Delivered(String node, String topic, String author, String data) {
    }

    final GossipConfig config;
    final long[] now = {1_000_000};
    final Map<String, GossipRouter> routers = new LinkedHashMap<>();
    final ArrayDeque<Sent> queue = new ArrayDeque<>();
    final List<Sent> trace = new ArrayList<>();
    final List<Delivered> delivered = new ArrayList<>();
    final List<String> exchanges = new ArrayList<>();
    /** Transmissions matching this are lost. */
    Predicate<Sent> loss = s -> false;
    private final long seed;

    RouterHarness(GossipConfig config, long seed) {
        this.config = config;
        this.seed = seed;
    }

    GossipRouter add(String id) {
        return add(id, new InsecureSigner(id));
    }

    GossipRouter add(String id, MessageSigner signer) {
        GossipRouter r = new GossipRouter(id, config, () -> now[0], new Random(seed + id.hashCode()), signer,
                new GossipOutbox() {
                    @Override
                    public void send(String peer, RPC rpc) {
                        Sent s = new Sent(id, peer, rpc);
                        trace.add(s);
                        queue.add(s);
                    }

                    @Override
                    public void deliver(String topic, String author, String receivedFrom, byte[] data) {
                        delivered.add(new Delivered(id, topic, author, new String(data)));
                    }

                    @Override
                    public void peerExchange(String fromPeer, String topic, List<String> peers) {
                        exchanges.add(id + "<-" + fromPeer + ":" + peers);
                    }
                });
        routers.put(id, r);
        return r;
    }

    GossipRouter get(String id) {
        return routers.get(id);
    }

    void connect(String a, String b) {
        routers.get(a).addPeer(b, true);
        routers.get(b).addPeer(a, false);
    }

    void subscribeAll(String topic) {
        for (GossipRouter r : routers.values()) {
            r.subscribe(topic, (from, data) -> Validation.ACCEPT);
        }
    }

    /** Delivers queued RPCs until none are left. */
    void drain() {
        Sent s;
        while ((s = queue.poll()) != null) {
            GossipRouter to = routers.get(s.to());
            if (to != null && !loss.test(s)) {
                to.handleRpc(s.from(), s.rpc());
            }
        }
    }

    /** Advances the clock by one heartbeat interval, beats every router, and drains. */
    void heartbeats(int n) {
        for (int i = 0; i < n; i++) {
            now[0] += config.heartbeatMillis;
            for (GossipRouter r : routers.values()) {
                r.heartbeat();
            }
            drain();
        }
    }

    long deliveredCount(String data) {
        return delivered.stream().filter(d -> d.data().equals(data)).count();
    }
}
