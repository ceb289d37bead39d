package io.colony.node.net.libp2p;

import com.google.protobuf.InvalidProtocolBufferException;
import io.colony.node.net.PeerNetwork;
import io.colony.node.net.gossip.GossipConfig;
import io.colony.node.net.gossip.GossipRouter;
import io.colony.node.net.gossip.GossipService;
import io.colony.node.net.gossip.MessageSigner;
import io.colony.node.net.libp2p.pb.RPC;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link PeerNetwork}: gossipsub v1.1 ({@code /meshsub/1.1.0}, also answering
 * {@code /meshsub/1.0.0}) and request/response on a {@link Libp2pHost}.
 *
 * <p>Per connected peer we open one long-lived outbound meshsub stream for our RPCs and read the
 * peer's RPCs from the stream(s) it opens to us. RPCs are framed as uvarint length + protobuf,
 * capped at {@link GossipConfig#maxRpcSize}. Our outbound queue per peer is capped too: RPCs beyond
 * it are dropped (gossip recovers them). Pub/sub handlers and validators receive the message
 * author's peer id.
 */
public final class Libp2pNetwork implements PeerNetwork {

    /** Largest request or response body of the request/response protocols. */
    public static final int MAX_REQUEST_SIZE = 4 * 1024 * 1024;
    /** Bytes we queue for one peer before dropping RPCs to it. */
    public static final long MAX_QUEUED_BYTES_PER_PEER = 16L * 1024 * 1024;
    private static final Duration SERVE_TIMEOUT = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(Libp2pNetwork.class);

    /** Our side of the meshsub exchange with one peer. */
    private static final class Session {
        /** Times we open a new stream after the previous one died while connected. */
        static final int MAX_REOPENS = 3;

        final String peer;
        final boolean outbound;
        final int reopens;
        final AtomicLong queuedBytes = new AtomicLong();
        /** Whether the router knows the peer (it is trusted, or trust is not required). */
        final java.util.concurrent.atomic.AtomicBoolean inRouter = new java.util.concurrent.atomic.AtomicBoolean();
        /** Frames produced before the stream was ready; guarded by the session. */
        List<byte[]> early = new ArrayList<>();
        P2pStream stream;

        Session(String peer, boolean outbound, int reopens) {
            this.peer = peer;
            this.outbound = outbound;
            this.reopens = reopens;
        }
    }

    private final Libp2pHost host;
    private final boolean ownsHost;
    private final GossipService gossip;
    private final ScheduledExecutorService timer;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final List<PeerListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> trusted = ConcurrentHashMap.newKeySet();
    private volatile boolean trustRequired;
    private volatile boolean closed;
    private final ConnectionListener connectionListener = new ConnectionListener() {
        @Override
        public void connected(PeerId peer, byte[] key, Connection connection) {
            onConnected(peer, key, connection);
        }

        @Override
        public void disconnected(PeerId peer) {
            onDisconnected(peer);
        }
    };

    /** A network on a new host built from {@code hostConfig}, owned (closed) by this network. */
    public Libp2pNetwork(HostConfig hostConfig, GossipConfig gossipConfig) {
        this(new Libp2pHost(hostConfig), true, gossipConfig, new Ed25519Signer(hostConfig.identity()));
    }

    /**
     * A network on an existing, not yet started host.
     *
     * @param ownsHost whether {@link #close()} closes the host
     * @param signer signs our messages; must match the host's identity
     */
    public Libp2pNetwork(Libp2pHost host, boolean ownsHost, GossipConfig gossipConfig, MessageSigner signer) {
        this.host = host;
        this.ownsHost = ownsHost;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gossip-heartbeat-" + host.peerId().toString().substring(0, 12));
            t.setDaemon(true);
            return t;
        });
        this.gossip = new GossipService(host.peerId().toString(), gossipConfig, System::currentTimeMillis,
                new Random(), signer, this::sendRpc);
    }

    @Override
    public String selfId() {
        return host.peerId().toString();
    }

    /** The underlying host. */
    public Libp2pHost host() {
        return host;
    }

    /** The gossip engine (for metrics and tests). */
    public GossipService gossip() {
        return gossip;
    }

    @Override
    public void start() {
        host.handle(GossipRouter.PROTOCOL_V11, InboundRpcReader::new);
        host.handle(GossipRouter.PROTOCOL_V10, InboundRpcReader::new);
        host.addConnectionListener(connectionListener);
        host.start();
        long period = gossip.config().heartbeatMillis;
        timer.scheduleAtFixedRate(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
    }

    private void heartbeat() {
        try {
            gossip.heartbeat();
        } catch (RuntimeException e) {
            log.warn("gossip heartbeat failed", e);
        }
    }

    private void onConnected(PeerId peerId, byte[] key, Connection connection) {
        for (PeerListener l : listeners) {
            l.connected(peerId.toString(), key.clone());
        }
        ensureSession(peerId.toString(), connection, 0);
    }

    /**
     * Makes the peer known to the router and opens our stream to it, once per connection. The
     * router learns of the peer at once, so its first RPCs (subscriptions) are not lost while our
     * stream is negotiated; what we send meanwhile waits in the session.
     */
    private void ensureSession(String peer, Connection connection, int reopens) {
        if (closed) {
            return;
        }
        Session fresh = new Session(peer, !connection.isInbound(), reopens);
        if (sessions.putIfAbsent(peer, fresh) != null) {
            return;
        }
        if (!trustRequired || trusted.contains(peer)) {
            joinRouter(fresh);
        }
        openStream(connection, fresh, GossipRouter.PROTOCOL_V11);
    }

    private void joinRouter(Session session) {
        if (session.inRouter.compareAndSet(false, true)) {
            gossip.addPeer(session.peer, session.outbound);
        }
    }

    private void leaveRouter(Session session) {
        if (session.inRouter.compareAndSet(true, false)) {
            gossip.removePeer(session.peer);
        }
    }

    private boolean mayGossip(String peer) {
        return !trustRequired || trusted.contains(peer);
    }

    @Override
    public void requireTrust() {
        trustRequired = true;
    }

    @Override
    public void trust(String peerId) {
        if (!host.connectedPeers().contains(PeerId.parse(peerId))) {
            return;
        }
        trusted.add(peerId);
        Session session = sessions.get(peerId);
        if (session != null) {
            if (session.inRouter.get()) {
                gossip.announceSubscriptions(peerId);
            } else {
                joinRouter(session);
            }
        }
    }

    @Override
    public void distrust(String peerId) {
        trusted.remove(peerId);
        Session session = sessions.get(peerId);
        if (session != null) {
            synchronized (session) {
                if (session.early != null) { // not sent yet: never sent
                    for (byte[] frame : session.early) {
                        session.queuedBytes.addAndGet(-frame.length);
                    }
                    session.early.clear();
                }
            }
            leaveRouter(session);
        }
    }

    private void openStream(Connection connection, Session session, String protocol) {
        connection.newStream(protocol, new OutboundRpcStream(session)).whenComplete((stream, e) -> {
            if (e == null) {
                if (sessions.get(session.peer) != session) {
                    stream.reset();
                    return;
                }
                synchronized (session) {
                    session.stream = stream;
                    for (byte[] frame : session.early) {
                        write(session, stream, frame);
                    }
                    session.early = null;
                }
            } else if (protocol.equals(GossipRouter.PROTOCOL_V11) && connection.isOpen()) {
                openStream(connection, session, GossipRouter.PROTOCOL_V10);
            } else {
                log.debug("{} speaks no gossipsub: {}", session.peer, e.getMessage());
                if (sessions.remove(session.peer, session)) {
                    leaveRouter(session);
                }
            }
        });
    }

    private void onDisconnected(PeerId peerId) {
        String peer = peerId.toString();
        Session session = sessions.remove(peer);
        if (session != null) {
            leaveRouter(session);
        }
        trusted.remove(peer);
        for (PeerListener l : listeners) {
            l.disconnected(peer);
        }
    }

    private void sendRpc(String peer, RPC rpc) {
        Session session = sessions.get(peer);
        if (session == null || !mayGossip(peer)) {
            return;
        }
        byte[] frame = LengthPrefixed.frame(rpc.toByteArray());
        if (frame.length > gossip.config().maxRpcSize + Varint.MAX_BYTES) {
            log.warn("dropping an RPC of {} bytes to {}: over the size limit", frame.length, peer);
            return;
        }
        if (session.queuedBytes.addAndGet(frame.length) > MAX_QUEUED_BYTES_PER_PEER) {
            session.queuedBytes.addAndGet(-frame.length);
            log.debug("dropping an RPC to {}: outbound queue full", peer);
            return;
        }
        synchronized (session) { // keeps frames in order while the stream is being opened
            if (session.stream == null) {
                session.early.add(frame);
            } else {
                write(session, session.stream, frame);
            }
        }
    }

    private static void write(Session session, P2pStream stream, byte[] frame) {
        if (!stream.isOpen()) {
            session.queuedBytes.addAndGet(-frame.length);
            return;
        }
        stream.write(frame).whenComplete((v, e) -> session.queuedBytes.addAndGet(-frame.length));
    }

    /** Our long-lived stream to a peer: we only write; if it dies, the peer leaves the router. */
    private final class OutboundRpcStream implements StreamHandler {
        private final Session session;

        OutboundRpcStream(Session session) {
            this.session = session;
        }

        @Override
        public void onData(P2pStream stream, byte[] data) {
            // peers answer on their own stream; nothing is expected here
        }

        @Override
        public void onClosed(P2pStream stream) {
            if (!sessions.remove(session.peer, session)) {
                return;
            }
            leaveRouter(session);
            log.debug("meshsub stream to {} closed", session.peer);
            if (session.reopens < Session.MAX_REOPENS) {
                host.connection(PeerId.parse(session.peer))
                        .ifPresent(c -> ensureSession(session.peer, c, session.reopens + 1));
            }
        }
    }

    /** A stream a peer opened to send us RPCs. */
    private final class InboundRpcReader implements StreamHandler {
        private LengthPrefixed reader;

        @Override
        public void onData(P2pStream stream, byte[] data) {
            if (reader == null) {
                reader = new LengthPrefixed(gossip.config().maxRpcSize);
                String peer = stream.remotePeerId();
                if (!sessions.containsKey(peer)) { // its stream may beat our connection listener
                    host.connection(PeerId.parse(peer)).ifPresent(c -> ensureSession(peer, c, 0));
                }
            }
            List<byte[]> frames;
            try {
                frames = reader.feed(data);
            } catch (IllegalArgumentException e) {
                log.debug("meshsub stream from {} reset: {}", stream.remotePeerId(), e.getMessage());
                stream.reset();
                return;
            }
            if (!mayGossip(stream.remotePeerId())) {
                return; // membership not proven (or revoked): nothing it sends is read
            }
            for (byte[] frame : frames) {
                RPC rpc;
                try {
                    rpc = RPC.parseFrom(frame);
                } catch (InvalidProtocolBufferException e) {
                    log.debug("malformed RPC from {}; stream reset", stream.remotePeerId());
                    stream.reset();
                    return;
                }
                gossip.handleRpc(stream.remotePeerId(), rpc);
            }
        }
    }

    @Override
    public List<String> listenAddresses() {
        return host.listenAddresses().stream().map(Multiaddr::toString).toList();
    }

    @Override
    public CompletableFuture<String> connect(String address) {
        Multiaddr addr;
        try {
            addr = Multiaddr.parse(address);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return host.dial(addr).thenApply(c -> c.remotePeer().toString());
    }

    @Override
    public void disconnect(String peerId) {
        host.disconnect(PeerId.parse(peerId));
    }

    @Override
    public Set<String> connectedPeers() {
        return host.connectedPeers().stream().map(PeerId::toString).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public List<String> addressesOf(String peerId) {
        PeerId peer;
        try {
            peer = PeerId.parse(peerId);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        List<String> result = new ArrayList<>();
        host.identifyInfo(peer).ifPresent(info -> info.listenAddresses()
                .forEach(a -> result.add(a.withPeerId(peer).toString())));
        for (Connection c : host.connections(peer)) {
            String a = c.remoteAddress().withPeerId(peer).toString();
            if (!c.isInbound() && !result.contains(a)) {
                result.add(a);
            }
        }
        return result;
    }

    @Override
    public void setConnectionGate(ConnectionGate gate) {
        host.setConnectionGate(new io.colony.node.net.libp2p.ConnectionGate() {
            @Override
            public boolean allow(PeerId peer, byte[] key) {
                return gate.allow(peer.toString(), key.clone());
            }

            @Override
            public boolean allow(PeerId peer, byte[] key, java.net.InetAddress remote) {
                return gate.allow(peer.toString(), key.clone(), remote == null ? "" : remote.getHostAddress());
            }
        });
    }

    @Override
    public void addPeerListener(PeerListener listener) {
        listeners.add(listener);
    }

    @Override
    public void subscribe(String topic, MessageValidator validator, MessageHandler handler) {
        gossip.subscribe(topic, validator, handler);
    }

    @Override
    public void unsubscribe(String topic) {
        gossip.unsubscribe(topic);
    }

    @Override
    public int publish(String topic, byte[] data) {
        return gossip.publish(topic, data);
    }

    @Override
    public void handle(String protocol, RequestHandler handler) {
        new RequestResponse(host, protocol, MAX_REQUEST_SIZE, SERVE_TIMEOUT)
                .serve((from, request) -> handler.handle(from.toString(), request));
    }

    @Override
    public CompletableFuture<byte[]> request(String peerId, String protocol, byte[] request, Duration timeout) {
        PeerId peer;
        try {
            peer = PeerId.parse(peerId);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return new RequestResponse(host, protocol, MAX_REQUEST_SIZE, timeout).request(peer, request);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        host.unhandle(GossipRouter.PROTOCOL_V11);
        host.unhandle(GossipRouter.PROTOCOL_V10);
        host.removeConnectionListener(connectionListener);
        if (ownsHost) {
            host.close();
        }
    }
}
