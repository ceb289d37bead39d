package io.colony.node.net;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The node's view of the peer-to-peer network. It deliberately speaks no libp2p vocabulary:
 * peers are opaque text ids, addresses are opaque text, messages are bytes. Two implementations:
 * the real one (libp2p on Netty) and an in-memory one for simulations and tests.
 *
 * <p>Threading: callbacks (handlers, validators, listeners) may be called from network threads;
 * they must not block.
 */
public interface PeerNetwork extends AutoCloseable {

    /** This peer's id (text form). */
    String selfId();

    /** Starts listening. Returns once the listeners are bound. */
    void start();

    /** Full dialable addresses of this peer, including its id. */
    List<String> listenAddresses();

    /** Connects to a peer at an address; completes with the remote peer's id. */
    CompletableFuture<String> connect(String address);

    /** Drops the connection(s) to a peer. */
    void disconnect(String peerId);

    /** Peers we hold a live connection to. */
    Set<String> connectedPeers();

    /** Known dialable addresses of a connected or recently seen peer (may be empty). */
    List<String> addressesOf(String peerId);

    /** Decides which remote identities may connect at all (checked right after the handshake). */
    void setConnectionGate(ConnectionGate gate);

    void addPeerListener(PeerListener listener);

    /**
     * Makes pub/sub members-only: from now on a connected peer takes part in gossip (we send it no
     * RPC, no message, no IHAVE/IWANT answer, no subscription, and drop whatever it sends) only
     * once {@link #trust} was called for it. Call before {@link #start()}. Without it every
     * connected peer takes part (tests, simulations).
     */
    void requireTrust();

    /**
     * Lets a connected peer into pub/sub (its membership was proven); calling it again announces our
     * subscriptions once more (for a peer that trusts us only now). Ends with the connection.
     */
    void trust(String peerId);

    /** Takes a peer out of pub/sub at once (before its connection is closed). */
    void distrust(String peerId);

    /** Joins a pub/sub topic. The validator runs before a message is delivered or forwarded. */
    void subscribe(String topic, MessageValidator validator, MessageHandler handler);

    void unsubscribe(String topic);

    /** Publishes to a topic; returns the number of peers the message was sent to directly. */
    int publish(String topic, byte[] data);

    /** Serves a request/response protocol (one request, one response per stream). */
    void handle(String protocol, RequestHandler handler);

    /** Sends one request to a connected peer and waits for its response. */
    CompletableFuture<byte[]> request(String peerId, String protocol, byte[] request, Duration timeout);

    @Override
    void close();

    /** Result of validating a pub/sub message. */
    enum Validation {
        /** deliver and forward */
        ACCEPT,
        /** drop and penalise the peer that sent it */
        REJECT,
        /** drop silently */
        IGNORE
    }

    @FunctionalInterface
    interface MessageValidator {
        Validation validate(String fromPeer, byte[] data);
    }

    @FunctionalInterface
    interface MessageHandler {
        void onMessage(String fromPeer, byte[] data);
    }

    @FunctionalInterface
    interface RequestHandler {
        CompletableFuture<byte[]> handle(String fromPeer, byte[] request);
    }

    @FunctionalInterface
    interface ConnectionGate {
        /** @param ed25519PublicKey the remote's 32-byte identity key, proven by the handshake */
        boolean allow(String peerId, byte[] ed25519PublicKey);

        /**
         * The same, knowing the remote host (an IP address in text form, or an opaque name in the
         * in-memory network); by default ignores it.
         */
        default boolean allow(String peerId, byte[] ed25519PublicKey, String remoteHost) {
            return allow(peerId, ed25519PublicKey);
        }
    }

    interface PeerListener {
        void connected(String peerId, byte[] ed25519PublicKey);

        void disconnected(String peerId);
    }
}
