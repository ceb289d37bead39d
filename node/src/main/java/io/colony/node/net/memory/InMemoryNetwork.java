package io.colony.node.net.memory;

import io.colony.node.time.Scheduler;
import io.colony.node.net.PeerNetwork;
import io.colony.node.net.gossip.GossipService;
import io.colony.node.net.gossip.MessageSigner;
import io.colony.node.net.libp2p.pb.RPC;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PeerNetwork} node living in an {@link InMemoryHub}: real gossipsub routing
 * ({@link io.colony.node.net.gossip.GossipRouter}), simulated links, all timing through the hub's
 * {@link Scheduler}. Addresses have the form {@code /memory/<id>}. Pub/sub handlers and validators
 * receive the message author's id.
 */
public final class InMemoryNetwork implements PeerNetwork {

    /** Largest request or response body accepted. */
    public static final int MAX_REQUEST_SIZE = 4 * 1024 * 1024;
    private static final String ADDRESS_PREFIX = "/memory/";
    private static final Logger log = LoggerFactory.getLogger(InMemoryNetwork.class);

    private final InMemoryHub hub;
    private final String id;
    private final byte[] publicKey;
    private final Scheduler scheduler;
    private final GossipService gossip;
    /** Peer id to "we dialled"; ordered so iteration is deterministic in simulations. */
    private final Map<String, Boolean> connections = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, RequestHandler> handlers = new ConcurrentHashMap<>();
    private final List<PeerListener> listeners = new CopyOnWriteArrayList<>();
    /** Peers in the gossip router. */
    private final Set<String> inRouter = ConcurrentHashMap.newKeySet();
    private final Set<String> trusted = ConcurrentHashMap.newKeySet();
    private volatile boolean trustRequired;
    private volatile ConnectionGate gate = (peer, key) -> true;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile Scheduler.Cancellable heartbeat;

    InMemoryNetwork(InMemoryHub hub, String id, byte[] publicKey, MessageSigner signer) {
        this.hub = hub;
        this.id = id;
        this.publicKey = publicKey;
        this.scheduler = hub.scheduler();
        this.gossip = new GossipService(id, hub.gossipConfig(), scheduler::now, hub.randomFor(id), signer,
                this::sendRpc);
    }

    @Override
    public String selfId() {
        return id;
    }

    @Override
    public void start() {
        if (started) {
            return;
        }
        hub.register(this);
        started = true;
        long period = gossip.config().heartbeatMillis;
        scheduleHeartbeat(Math.floorMod(id.hashCode(), period) + 1, period);
    }

    private void scheduleHeartbeat(long delay, long period) {
        heartbeat = scheduler.schedule(delay, () -> {
            if (!closed) {
                gossip.heartbeat();
                scheduleHeartbeat(period, period);
            }
        });
    }

    @Override
    public List<String> listenAddresses() {
        return List.of(ADDRESS_PREFIX + id);
    }

    @Override
    public CompletableFuture<String> connect(String address) {
        String peer = address.startsWith(ADDRESS_PREFIX) ? address.substring(ADDRESS_PREFIX.length()) : null;
        InMemoryNetwork target = peer == null ? null : hub.lookup(peer);
        if (!started || closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("network not started"));
        }
        if (target == null || target == this) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no in-memory peer at " + address));
        }
        if (connections.containsKey(peer)) {
            return CompletableFuture.completedFuture(peer);
        }
        CompletableFuture<String> result = new CompletableFuture<>();
        if (!hub.transmit(id, peer, false, () -> target.accept(this, result))) {
            result.completeExceptionally(new IllegalStateException("peer " + peer + " unreachable"));
        }
        return result;
    }

    /** Runs at the dialled node. */
    private void accept(InMemoryNetwork initiator, CompletableFuture<String> result) {
        if (closed || !gate.allow(initiator.id, initiator.publicKey.clone(), initiator.id)) {
            result.completeExceptionally(new IllegalStateException("connection refused by " + id));
            return;
        }
        if (!initiator.gate.allow(id, publicKey.clone(), id)) {
            result.completeExceptionally(new IllegalStateException("peer " + id + " refused by the connection gate"));
            return;
        }
        // the answer leaves before this side's first gossip RPC (links are FIFO), so the initiator is
        // connected when that RPC arrives instead of dropping it (and never learning our topics)
        boolean sent = hub.transmit(id, initiator.id, false, () -> {
            if (initiator.closed) {
                result.completeExceptionally(new IllegalStateException("network closed"));
                return;
            }
            initiator.connected(id, publicKey, true);
            result.complete(id);
        });
        if (sent) {
            connected(initiator.id, initiator.publicKey, false);
        } else {
            result.completeExceptionally(new IllegalStateException("peer " + initiator.id + " unreachable"));
        }
    }

    private void connected(String peer, byte[] key, boolean outbound) {
        if (connections.putIfAbsent(peer, outbound) != null) {
            return;
        }
        if (!trustRequired || trusted.contains(peer)) {
            joinRouter(peer, outbound);
        }
        for (PeerListener l : listeners) {
            l.connected(peer, key.clone());
        }
    }

    @Override
    public void disconnect(String peerId) {
        if (dropped(peerId)) {
            InMemoryNetwork target = hub.lookup(peerId);
            if (target != null) {
                scheduler.schedule(0, () -> target.dropped(id));
            }
        }
    }

    private boolean dropped(String peer) {
        if (connections.remove(peer) == null) {
            return false;
        }
        trusted.remove(peer);
        if (inRouter.remove(peer)) {
            gossip.removePeer(peer);
        }
        for (PeerListener l : listeners) {
            l.disconnected(peer);
        }
        return true;
    }

    private void joinRouter(String peer, boolean outbound) {
        if (inRouter.add(peer)) {
            gossip.addPeer(peer, outbound);
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
        Boolean outbound = connections.get(peerId);
        if (outbound == null) {
            return;
        }
        trusted.add(peerId);
        if (inRouter.contains(peerId)) {
            gossip.announceSubscriptions(peerId);
        } else {
            joinRouter(peerId, outbound);
        }
    }

    @Override
    public void distrust(String peerId) {
        trusted.remove(peerId);
        if (inRouter.remove(peerId)) {
            gossip.removePeer(peerId);
        }
    }

    @Override
    public Set<String> connectedPeers() {
        synchronized (connections) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(connections.keySet()));
        }
    }

    @Override
    public List<String> addressesOf(String peerId) {
        return hub.lookup(peerId) == null ? List.of() : List.of(ADDRESS_PREFIX + peerId);
    }

    @Override
    public void setConnectionGate(ConnectionGate gate) {
        this.gate = gate;
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

    /** The gossip engine of this node (for metrics and tests). */
    public GossipService gossip() {
        return gossip;
    }

    private void sendRpc(String peer, RPC rpc) {
        if (rpc.getSerializedSize() > gossip.config().maxRpcSize) {
            log.warn("dropping an RPC of {} bytes to {}: over the size limit", rpc.getSerializedSize(), peer);
            return;
        }
        InMemoryNetwork target = hub.lookup(peer);
        if (target != null && mayGossip(peer)) {
            hub.transmit(id, peer, rpc.getSerializedSize(), true, () -> target.receiveRpc(id, rpc));
        }
    }

    private void receiveRpc(String from, RPC rpc) {
        if (!closed && connections.containsKey(from) && mayGossip(from)) {
            gossip.handleRpc(from, rpc);
        }
    }

    @Override
    public void handle(String protocol, RequestHandler handler) {
        handlers.put(protocol, handler);
    }

    @Override
    public CompletableFuture<byte[]> request(String peerId, String protocol, byte[] request, Duration timeout) {
        if (request.length > MAX_REQUEST_SIZE) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "request of " + request.length + " bytes exceeds the limit of " + MAX_REQUEST_SIZE));
        }
        InMemoryNetwork target = hub.lookup(peerId);
        if (target == null || !connections.containsKey(peerId)) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to " + peerId));
        }
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Scheduler.Cancellable timer = scheduler.schedule(timeout.toMillis(), () -> result.completeExceptionally(
                new TimeoutException(protocol + " request to " + peerId + " timed out after " + timeout)));
        result.whenComplete((r, e) -> timer.cancel());
        byte[] body = request.clone();
        hub.transmit(id, peerId, body.length, true, () -> target.serve(id, protocol, body, result));
        return result;
    }

    /** Runs at the requested node; the response travels back over the link. */
    private void serve(String from, String protocol, byte[] request, CompletableFuture<byte[]> result) {
        RequestHandler handler = handlers.get(protocol);
        if (closed || handler == null) {
            reply(from, result, null, new IllegalStateException(id + " does not serve " + protocol));
            return;
        }
        CompletableFuture<byte[]> response;
        try {
            response = handler.handle(from, request);
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        response.whenComplete((r, e) -> {
            if (e == null && r != null && r.length > MAX_REQUEST_SIZE) {
                reply(from, result, null, new IllegalStateException("response over the size limit"));
            } else {
                reply(from, result, r == null ? null : r.clone(),
                        e != null ? new IllegalStateException(protocol + " failed at " + id + ": " + e.getMessage())
                                : null);
            }
        });
    }

    private void reply(String to, CompletableFuture<byte[]> result, byte[] response, Throwable error) {
        hub.transmit(id, to, response == null ? 0 : response.length, true, () -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(response == null ? new byte[0] : response);
            }
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Scheduler.Cancellable h = heartbeat;
        if (h != null) {
            h.cancel();
        }
        for (String peer : connectedPeers()) {
            disconnect(peer);
        }
        hub.unregister(this);
    }
}
