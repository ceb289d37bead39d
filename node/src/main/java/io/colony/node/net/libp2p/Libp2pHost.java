package io.colony.node.net.libp2p;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(Libp2pHost.class);

    private final HostConfig config;
    private final NoiseHandshake.StaticIdentity noiseIdentity;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final List<Channel> servers = new CopyOnWriteArrayList<>();
    private final List<Multiaddr> boundAddresses = new CopyOnWriteArrayList<>();
    private final Map<String, Supplier<StreamHandler>> protocols = new ConcurrentHashMap<>();
    private final Map<PeerId, List<HostConnection>> connections = new ConcurrentHashMap<>();
    private final Map<PeerId, CompletableFuture<Connection>> pendingDials = new ConcurrentHashMap<>();
    private final Map<PeerId, IdentifyInfo> identified = new ConcurrentHashMap<>();
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger channelCount = new AtomicInteger();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ConnectionGate gate = ConnectionGate.ALLOW_ALL;

    /** Creates a host; nothing is bound until {@link #start()}. */
    public Libp2pHost(HostConfig config) {
        this.config = config;
        this.noiseIdentity = new NoiseHandshake.StaticIdentity(config.identity());
        this.ownsGroup = config.eventLoopGroup() == null;
        this.group = ownsGroup
                ? new MultiThreadIoEventLoopGroup(Math.min(4, Runtime.getRuntime().availableProcessors()),
                        NioIoHandler.newFactory())
                : config.eventLoopGroup();
        protocols.put(IDENTIFY, () -> Identify.responder(this));
        protocols.put(IDENTIFY_PUSH, () -> Identify.reader(Identify.MAX_MESSAGE, identified::put));
        protocols.put(PING, Ping::responder);
    }

    /**
     * Binds the listen addresses. Returns once they are bound.
     *
     * @throws IllegalStateException if an address cannot be bound
     */
    public void start() {
        if (closed.get() || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("host already started or closed");
        }
        for (Multiaddr addr : config.listenAddresses()) {
            InetSocketAddress socket = addr.toSocketAddress();
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 128)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            accept(ch);
                        }
                    });
            ChannelFuture f = b.bind(socket).awaitUninterruptibly();
            if (!f.isSuccess()) {
                throw new IllegalStateException("cannot listen on " + addr + ": " + f.cause().getMessage());
            }
            servers.add(f.channel());
            for (Multiaddr bound : dialable((InetSocketAddress) f.channel().localAddress())) {
                boundAddresses.add(bound.withPeerId(peerId()));
            }
            LOG.info("libp2p host {} listening on {}", peerId(), f.channel().localAddress());
        }
    }

    /**
     * A bound address; a wildcard one becomes the addresses of the interfaces that are up (a
     * dual-stack IPv6 wildcard, which is what binding 0.0.0.0 gives on most JVMs, also accepts IPv4),
     * IPv4 before IPv6 and loopback last, so that the first address is the one to give to others.
     */
    private static List<Multiaddr> dialable(InetSocketAddress bound) {
        if (!bound.getAddress().isAnyLocalAddress()) {
            return List.of(Multiaddr.fromSocketAddress(bound));
        }
        boolean dualStack = bound.getAddress() instanceof java.net.Inet6Address;
        List<InetAddress> ips = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InetAddress ip : Collections.list(nic.getInetAddresses())) {
                    if ((dualStack || ip.getClass() == bound.getAddress().getClass()) && !ip.isLinkLocalAddress()) {
                        ips.add(ip);
                    }
                }
            }
        } catch (SocketException e) {
            LOG.warn("cannot list network interfaces: {}", e.getMessage());
        }
        ips.sort(java.util.Comparator.comparing((InetAddress ip) -> ip.isLoopbackAddress())
                .thenComparing(ip -> ip instanceof java.net.Inet6Address));
        List<Multiaddr> out = new ArrayList<>();
        for (InetAddress ip : ips) {
            out.add(Multiaddr.fromSocketAddress(new InetSocketAddress(ip, bound.getPort())));
        }
        return out.isEmpty() ? List.of(Multiaddr.fromSocketAddress(bound)) : out;
    }

    private void accept(SocketChannel ch) {
        if (!admit(ch)) {
            return;
        }
        ConnectionUpgrade upgrade = new ConnectionUpgrade(this, ch, false, null);
        upgrade.install(ch.pipeline());
        upgrade.result().whenComplete((c, e) -> {
            if (e == null) {
                connectionReady(c);
            } else {
                LOG.debug("inbound connection from {} failed: {}", ch.remoteAddress(), e.getMessage());
            }
        });
    }

    /** Counts the channel against the connection limit; closes it if over. */
    private boolean admit(Channel ch) {
        if (closed.get() || channelCount.incrementAndGet() > config.maxConnections()) {
            channelCount.decrementAndGet();
            LOG.debug("refusing {}: connection limit {} reached", ch.remoteAddress(), config.maxConnections());
            ch.close();
            return false;
        }
        channels.add(ch);
        ch.closeFuture().addListener(f -> channelCount.decrementAndGet());
        return true;
    }

    /** Closes all connections and listeners; shuts down the event loop group if the host owns it. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Channel s : servers) {
            s.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        for (List<HostConnection> list : connections.values()) {
            list.forEach(HostConnection::close);
        }
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
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
        return List.copyOf(boundAddresses);
    }

    /**
     * Connects to {@code address} (which should end in {@code /p2p/<id>}; the handshake checks it).
     * Completes with an existing connection if we already have one to that peer.
     */
    public CompletableFuture<Connection> dial(Multiaddr address) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("host is closed"));
        }
        InetSocketAddress socket;
        try {
            socket = address.toSocketAddress();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        PeerId expected = address.peerId().orElse(null);
        if (expected == null) {
            return connect(socket, null);
        }
        if (expected.equals(peerId())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("cannot dial ourselves"));
        }
        Optional<Connection> existing = connection(expected);
        if (existing.isPresent()) {
            return CompletableFuture.completedFuture(existing.get());
        }
        CompletableFuture<Connection> mine = new CompletableFuture<>();
        CompletableFuture<Connection> pending = pendingDials.putIfAbsent(expected, mine);
        if (pending != null) {
            return pending;
        }
        connect(socket, expected).whenComplete((c, e) -> {
            pendingDials.remove(expected, mine);
            if (e != null) {
                mine.completeExceptionally(e);
            } else {
                mine.complete(c);
            }
        });
        return mine;
    }

    private CompletableFuture<Connection> connect(InetSocketAddress socket, PeerId expected) {
        if (socket.isUnresolved()) {
            // DNS lookups block: keep them off the event loops
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return new InetSocketAddress(InetAddress.getByName(socket.getHostString()), socket.getPort());
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalStateException("cannot resolve " + socket.getHostString());
                }
            }).thenCompose(resolved -> connect(resolved, expected));
        }
        CompletableFuture<Connection> result = new CompletableFuture<>();
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.handshakeTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!admit(ch)) {
                            result.completeExceptionally(new IllegalStateException("connection limit reached"));
                            return;
                        }
                        ConnectionUpgrade upgrade = new ConnectionUpgrade(Libp2pHost.this, ch, true, expected);
                        upgrade.install(ch.pipeline());
                        upgrade.result().whenComplete((c, e) -> {
                            if (e != null) {
                                result.completeExceptionally(e);
                            } else {
                                connectionReady(c);
                                result.complete(c);
                            }
                        });
                    }
                });
        b.connect(socket).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new IllegalStateException(
                        "cannot connect to " + socket + ": " + f.cause().getMessage(), f.cause()));
            }
        });
        return result;
    }

    private void connectionReady(HostConnection c) {
        PeerId peer = c.remotePeer();
        boolean[] first = {false};
        connections.compute(peer, (k, list) -> {
            List<HostConnection> l = list == null ? new CopyOnWriteArrayList<>() : list;
            first[0] = l.isEmpty();
            l.add(c);
            return l;
        });
        c.channel().closeFuture().addListener(f -> connectionClosed(c));
        LOG.debug("connected to {} ({})", peer, c);
        if (first[0]) {
            for (ConnectionListener l : listeners) {
                try {
                    l.connected(peer, c.remotePublicKey(), c);
                } catch (RuntimeException e) {
                    LOG.warn("connection listener failed", e);
                }
            }
        }
        if (!config.idleTimeout().isZero()) {
            c.closeWhenIdle(config.idleTimeout());
        }
        if (!config.keepAliveInterval().isZero()) {
            c.keepAlive(config.keepAliveInterval(), config.streamNegotiationTimeout());
        }
        c.newStream(IDENTIFY, Identify.reader(Identify.MAX_MESSAGE, identified::put))
                .whenComplete((s, e) -> {
                    if (e != null) {
                        LOG.debug("identify of {} failed: {}", peer, e.getMessage());
                    }
                });
    }

    private void connectionClosed(HostConnection c) {
        PeerId peer = c.remotePeer();
        boolean[] last = {false};
        connections.computeIfPresent(peer, (k, list) -> {
            list.remove(c);
            last[0] = list.isEmpty();
            return list.isEmpty() ? null : list;
        });
        if (last[0]) {
            identified.remove(peer);
            LOG.debug("disconnected from {}", peer);
            for (ConnectionListener l : listeners) {
                try {
                    l.disconnected(peer);
                } catch (RuntimeException e) {
                    LOG.warn("connection listener failed", e);
                }
            }
        }
    }

    /** Serves {@code protocol}: each inbound stream gets a fresh handler from {@code factory}. */
    public void handle(String protocol, Supplier<StreamHandler> factory) {
        Multistream.dialer(protocol);
        if (protocols.put(protocol, factory) == null) {
            pushIdentify();
        }
    }

    /** Stops serving {@code protocol}. */
    public void unhandle(String protocol) {
        if (protocols.remove(protocol) != null) {
            pushIdentify();
        }
    }

    /** Tells connected peers that speak identify push about our changed protocols. */
    private void pushIdentify() {
        for (List<HostConnection> list : connections.values()) {
            for (HostConnection c : list) {
                IdentifyInfo info = identified.get(c.remotePeer());
                if (c.isOpen() && info != null && info.protocols().contains(IDENTIFY_PUSH)) {
                    c.newStream(IDENTIFY_PUSH, Identify.responder(this)).whenComplete((s, e) -> {
                        if (e != null) {
                            LOG.debug("identify push to {} failed: {}", c.remotePeer(), e.getMessage());
                        }
                    });
                }
            }
        }
    }

    /** Protocols we serve (including identify and ping), sorted. */
    public Set<String> protocols() {
        return Collections.unmodifiableSet(new TreeSet<>(protocols.keySet()));
    }

    /** Opens a stream to a connected peer; fails if there is no connection or it refuses the protocol. */
    public CompletableFuture<P2pStream> newStream(PeerId peer, String protocol, StreamHandler handler) {
        Optional<Connection> c = connection(peer);
        if (c.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to " + peer));
        }
        return c.get().newStream(protocol, handler);
    }

    /** Adds a listener of peers connecting and disconnecting. */
    public void addConnectionListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    /** Removes a listener. */
    public void removeConnectionListener(ConnectionListener listener) {
        listeners.remove(listener);
    }

    /** Replaces the gate consulted after each handshake. */
    public void setConnectionGate(ConnectionGate gate) {
        this.gate = gate == null ? ConnectionGate.ALLOW_ALL : gate;
    }

    ConnectionGate gate() {
        return gate;
    }

    NoiseHandshake.StaticIdentity noiseIdentity() {
        return noiseIdentity;
    }

    /** The first handler of a stream the remote opened: negotiation against our protocols. */
    StreamHandler inboundStream(YamuxStream stream) {
        return StreamNegotiation.listener(protocols::get);
    }

    /** The open connection to {@code peer}, if any. */
    public Optional<Connection> connection(PeerId peer) {
        List<HostConnection> list = connections.get(peer);
        if (list == null) {
            return Optional.empty();
        }
        for (HostConnection c : list) {
            if (c.isOpen()) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** All open connections to {@code peer}. */
    public List<Connection> connections(PeerId peer) {
        return new ArrayList<>(connections.getOrDefault(peer, List.of()));
    }

    /** Peers with at least one open connection. */
    public Set<PeerId> connectedPeers() {
        return Set.copyOf(connections.keySet());
    }

    /** Closes all connections to {@code peer}. */
    public void disconnect(PeerId peer) {
        connections.getOrDefault(peer, List.of()).forEach(HostConnection::close);
    }

    /** Pings a connected peer over {@code /ipfs/ping/1.0.0}; completes with the round-trip time. */
    public CompletableFuture<Duration> ping(PeerId peer) {
        Optional<Connection> c = connection(peer);
        if (c.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to " + peer));
        }
        return Ping.ping(c.get(), config.streamNegotiationTimeout());
    }

    /** What {@code peer} told us via identify, once it has. */
    public Optional<IdentifyInfo> identifyInfo(PeerId peer) {
        return Optional.ofNullable(identified.get(peer));
    }

    @Override
    public String toString() {
        return "Libp2pHost[" + peerId() + "]";
    }
}
