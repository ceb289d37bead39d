package io.colony.node.net.libp2p;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A libp2p host on Netty: TCP transport upgraded with multistream-select, Noise XX and yamux,
 * serving identify and ping. Wire compatible with other libp2p implementations.
 *
 * <p>Threading: handlers and listeners run on Netty event loops and must not block. All methods
 * are thread safe.
 */
public final class Libp2pHost implements AutoCloseable {

    /** Version reported in the identify agent string. */
    public static final String VERSION = "0.1.0";
    /** Identify protocol id. */
    public static final String IDENTIFY = "/ipfs/id/1.0.0";
    /** Identify push protocol id. */
    public static final String IDENTIFY_PUSH = "/ipfs/id/push/1.0.0";
    /** Ping protocol id. */
    public static final String PING = "/ipfs/ping/1.0.0";

    private final HostConfig config;

    public Libp2pHost(HostConfig config) {
        this.config = config;
    }

    /** Binds the listen addresses. Returns once they are bound. */
    public void start() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Closes all connections and listeners; shuts down the event loop group if the host owns it. */
    @Override
    public void close() {
    }

    /** Our peer id. */
    public PeerId peerId() {
        return config.identity().peerId();
    }

    /** The configuration. */
    public HostConfig config() {
        return config;
    }

    /** Bound addresses with the actual ports, each ending in {@code /p2p/<our id>}. */
    public List<Multiaddr> listenAddresses() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Connects to {@code address} (which should end in {@code /p2p/<id>}; the handshake checks it).
     * Completes with an existing connection if we already have one to that peer.
     */
    public CompletableFuture<Connection> dial(Multiaddr address) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Serves {@code protocol}: each inbound stream gets a fresh handler from {@code factory}. */
    public void handle(String protocol, Supplier<StreamHandler> factory) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Stops serving {@code protocol}. */
    public void unhandle(String protocol) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Protocols we serve (including identify and ping). */
    public Set<String> protocols() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Opens a stream to a connected peer; fails if there is no connection or it refuses the protocol. */
    public CompletableFuture<P2pStream> newStream(PeerId peer, String protocol, StreamHandler handler) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Adds a listener of peers connecting and disconnecting. */
    public void addConnectionListener(ConnectionListener listener) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Replaces the gate consulted after each handshake. */
    public void setConnectionGate(ConnectionGate gate) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The open connection to {@code peer}, if any. */
    public Optional<Connection> connection(PeerId peer) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Peers with at least one open connection. */
    public Set<PeerId> connectedPeers() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Closes all connections to {@code peer}. */
    public void disconnect(PeerId peer) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Pings a connected peer over {@code /ipfs/ping/1.0.0}; completes with the round-trip time. */
    public CompletableFuture<Duration> ping(PeerId peer) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** What {@code peer} told us via identify, once it has. */
    public Optional<IdentifyInfo> identifyInfo(PeerId peer) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
