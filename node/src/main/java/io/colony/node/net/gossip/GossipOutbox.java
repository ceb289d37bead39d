package io.colony.node.net.gossip;

import io.colony.node.net.libp2p.pb.RPC;
import java.util.List;

/** Where the router's outputs go. Called synchronously from the router's methods. */
public interface GossipOutbox {

    /** Sends one RPC to a connected peer. */
    void send(String peer, RPC rpc);

    /**
     * Hands an accepted message to the local subscriber.
     *
     * @param author the peer that published (signed) the message
     * @param receivedFrom the peer that forwarded it to us
     */
    void deliver(String topic, String author, String receivedFrom, byte[] data);

    /** Peers suggested by a peer that pruned us from a topic's mesh (peer exchange). */
    default void peerExchange(String fromPeer, String topic, List<String> peers) {
    }
}
