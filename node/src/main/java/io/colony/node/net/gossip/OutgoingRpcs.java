package io.colony.node.net.gossip;

import io.colony.node.net.libp2p.pb.ControlGraft;
import io.colony.node.net.libp2p.pb.ControlIHave;
import io.colony.node.net.libp2p.pb.ControlIWant;
import io.colony.node.net.libp2p.pb.ControlMessage;
import io.colony.node.net.libp2p.pb.ControlPrune;
import io.colony.node.net.libp2p.pb.Message;
import io.colony.node.net.libp2p.pb.RPC;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RPCs the router produces during one operation, batched per peer and flushed at its end.
 * Messages are packed so no RPC grows beyond the size limit; control goes in the last RPC.
 */
final class OutgoingRpcs {

    /** Bytes reserved per RPC for control and framing overhead. */
    private static final int CONTROL_RESERVE = 64 * 1024;

    private static final class Pending {
        final List<RPC> full = new ArrayList<>(1);
        RPC.Builder current;
        int currentSize;
        ControlMessage.Builder control;
    }

    /** Size our RPCs are packed to (messages are never split, so one may exceed it). */
    private final int maxRpcSize;
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    OutgoingRpcs(int maxRpcSize) {
        this.maxRpcSize = maxRpcSize;
    }

    private Pending of(String peer) {
        return pending.computeIfAbsent(peer, p -> new Pending());
    }

    private RPC.Builder rpc(Pending p) {
        if (p.current == null) {
            p.current = RPC.newBuilder();
            p.currentSize = 0;
        }
        return p.current;
    }

    private ControlMessage.Builder control(String peer) {
        Pending p = of(peer);
        if (p.control == null) {
            p.control = ControlMessage.newBuilder();
        }
        return p.control;
    }

    void subscription(String peer, String topic, boolean subscribe) {
        rpc(of(peer)).addSubscriptions(RPC.SubOpts.newBuilder().setSubscribe(subscribe).setTopicid(topic));
    }

    void message(String peer, Message message) {
        Pending p = of(peer);
        int size = message.getSerializedSize() + 8;
        if (p.current != null && p.currentSize + size > maxRpcSize - CONTROL_RESERVE) {
            p.full.add(p.current.build());
            p.current = null;
        }
        rpc(p).addPublish(message);
        p.currentSize += size;
    }

    void graft(String peer, String topic) {
        control(peer).addGraft(ControlGraft.newBuilder().setTopicID(topic));
    }

    void prune(String peer, ControlPrune prune) {
        control(peer).addPrune(prune);
    }

    void ihave(String peer, ControlIHave ihave) {
        control(peer).addIhave(ihave);
    }

    void iwant(String peer, ControlIWant iwant) {
        control(peer).addIwant(iwant);
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Sends everything batched, in the order peers were first addressed. */
    void flush(GossipOutbox outbox) {
        if (pending.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            if (p.control != null) {
                rpc(p).setControl(p.control);
            }
            if (p.current != null) {
                p.full.add(p.current.build());
            }
            for (RPC rpc : p.full) {
                outbox.send(e.getKey(), rpc);
            }
        }
        pending.clear();
    }
}
