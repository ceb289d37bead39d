package io.colony.node.cluster;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.colony.node.net.PeerNetwork;
import io.colony.node.time.Scheduler;
import io.colony.node.pb.Hello;
import io.colony.node.pb.HelloResponse;
import io.colony.node.pb.KnownPeer;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Record;
import io.colony.protocol.pb.SignedRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node inside its colony on the network: only members stay connected, peers are found
 * through bootstrap peers and peer exchange, and connections are kept up to a target count.
 *
 * <p>Right after a connection is secured, both sides exchange a hello ({@value #HELLO}): the
 * colony id, the owner-signed Admit of the sender's key (the owner needs none) and dialable
 * addresses; the answer adds the peers the answerer knows. A key that is revoked is refused at the
 * handshake; a key the node does not know yet must prove membership with its hello within the
 * probation time, or it is disconnected. Admit records learnt this way are handed to the ledger.
 */
public final class ClusterManager implements AutoCloseable {

    public static final String HELLO = "/colony/hello/1.0.0";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterManager.class);
    private static final int MAX_ADDRESSES = 16;

    private final PeerNetwork network;
    private final byte[] colony;
    private final Supplier<SignedRecord> ownAdmit;
    private final String name;
    private final MemberDirectory members;
    private final Consumer<SignedRecord> admitSink;
    private final Scheduler scheduler;
    private final List<String> bootstrap;
    private final ClusterConfig config;
    private final Random random;
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
    private final Set<String> verified = ConcurrentHashMap.newKeySet();
    /** member peer id -> last time it was connected (now, while it is) */
    private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
    private final Map<String, PeerEntry> known = Collections.synchronizedMap(new LinkedHashMap<>());
    /** peer id -> remote host of its connection, as the gate saw it */
    private final Map<String, String> hostOf = new ConcurrentHashMap<>();
    /** verified peer id -> end of the admission it presented in its hello (0: known from the ledger) */
    private final Map<String, Long> helloAdmittedUntil = new ConcurrentHashMap<>();
    private final PeerBackoff backoff = new PeerBackoff();
    private final List<Consumer<String>> verifiedListeners = new CopyOnWriteArrayList<>();
    /** bootstrap address -> the peer id that answered there */
    private final Map<String, String> bootstrapPeers = new ConcurrentHashMap<>();
    /** peer id -> the colony it said it belongs to (hex; "" when it only answered "another colony") */
    private final Map<String, String> foreignPeers = new ConcurrentHashMap<>();
    private volatile Consumer<String> fatalListener = LOG::error;
    private volatile boolean everVerified;
    private volatile boolean fatal;
    private volatile boolean closed;
    private volatile Scheduler.Cancellable timer;
    private volatile Scheduler.Cancellable sweepTimer;

    /** What we know of a member peer: its name and where to dial it. */
    public record PeerEntry(String peerId, String name, List<String> addresses) {
    }

    /**
     * @param ownAdmit the owner's Admit of this node's key as known now (null when this node is the
     *     owner, or not admitted yet)
     * @param admitSink receives verified Admit records learnt from peers (for the ledger; any thread)
     * @param bootstrap addresses to join through
     */
    public ClusterManager(PeerNetwork network, byte[] colony, Supplier<SignedRecord> ownAdmit, String name,
            MemberDirectory members, Consumer<SignedRecord> admitSink, Scheduler scheduler, List<String> bootstrap,
            ClusterConfig config, long seed) {
        this.network = network;
        this.colony = colony.clone();
        this.ownAdmit = ownAdmit;
        this.name = name;
        this.members = members;
        this.admitSink = admitSink;
        this.scheduler = scheduler;
        this.bootstrap = List.copyOf(bootstrap);
        this.config = config;
        this.random = new Random(seed);
    }

    /** How often verified peers are checked against the membership (expired admissions). */
    static final long SWEEP_MS = 250;
    /** The error a peer answers to a hello of another colony. */
    static final String ANOTHER_COLONY = "another colony";

    /**
     * Installs the gate, the hello protocol, members-only gossip and the revocation hook; call
     * before the network starts.
     */
    public void install() {
        network.requireTrust();
        network.setConnectionGate(new PeerNetwork.ConnectionGate() {
            @Override
            public boolean allow(String peer, byte[] key) {
                return allow(peer, key, "");
            }

            @Override
            public boolean allow(String peer, byte[] key, String remoteHost) {
                return gate(peer, key, remoteHost);
            }
        });
        members.addRevocationListener(this::revoked);
        network.handle(HELLO, this::answerHello);
        network.addPeerListener(new PeerNetwork.PeerListener() {
            @Override
            public void connected(String peerId, byte[] key) {
                keys.put(peerId, key.clone());
                if (members.isRevoked(key)) {
                    cut(peerId, "revoked member");
                    return;
                }
                if (members.isMember(key, scheduler.now())) {
                    markVerified(peerId);
                } else {
                    scheduler.schedule(config.probationMs(), () -> expel(peerId, "did not prove colony membership"));
                }
                sayHello(peerId);
            }

            @Override
            public void disconnected(String peerId) {
                if (verified.remove(peerId)) {
                    lastSeen.put(peerId, scheduler.now());
                }
                keys.remove(peerId);
                hostOf.remove(peerId);
                helloAdmittedUntil.remove(peerId);
            }
        });
    }

    /** Starts dialling bootstrap peers and keeping connections up. */
    public void start() {
        maintain();
        sweep();
    }

    /** Called (on a network or scheduler thread) with each peer once its membership is verified. */
    public void addVerifiedListener(Consumer<String> listener) {
        verifiedListeners.add(listener);
    }

    /**
     * Called once, with one line saying what to do, when this node cannot join its colony at all:
     * every bootstrap peer answered that it belongs to another colony. The manager stops dialling.
     * Without a listener the line is logged as an error.
     */
    public void onFatal(Consumer<String> listener) {
        this.fatalListener = listener;
    }

    private boolean gate(String peer, byte[] key, String remoteHost) {
        if (members.isRevoked(key)) {
            LOG.info("refused connection from revoked member {}", peer);
            return false;
        }
        if (members.isMember(key, scheduler.now())) {
            return true;
        }
        int unverified = 0;
        for (String p : keys.keySet()) {
            if (!verified.contains(p)) {
                unverified++;
            }
        }
        String why = backoff.refusal(peer, remoteHost, scheduler.now(), unverified);
        if (why != null) {
            LOG.debug("refused connection of {}: {}", peer, why);
            return false;
        }
        if (!remoteHost.isEmpty()) {
            hostOf.put(peer, remoteHost);
        }
        return true;
    }

    /** A Revoke was stored: that key loses its links now (on the thread that stored it). */
    private void revoked(byte[] key) {
        for (Map.Entry<String, byte[]> e : keys.entrySet()) {
            if (Arrays.equals(e.getValue(), key)) {
                cut(e.getKey(), "revoked member");
            }
        }
    }

    /** Drops a peer that is no member (any more): out of gossip and sync first, then disconnected. */
    private void cut(String peer, String why) {
        verified.remove(peer);
        network.distrust(peer);
        if (network.connectedPeers().contains(peer)) {
            LOG.info("disconnecting {}: {}", peer, why);
        }
        network.disconnect(peer);
    }

    /** Drops verified peers whose admission expired (revocations are handled as they are stored). */
    private void sweep() {
        if (closed) {
            return;
        }
        try {
            long now = scheduler.now();
            for (String peer : List.copyOf(verified)) {
                byte[] key = keys.get(peer);
                if (key == null) {
                    continue;
                }
                if (members.isRevoked(key)) {
                    cut(peer, "revoked member");
                } else if (!members.isMember(key, now) && now >= helloAdmittedUntil.getOrDefault(peer, 0L)) {
                    cut(peer, "membership expired");
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("membership sweep failed", e);
        }
        sweepTimer = scheduler.schedule(SWEEP_MS, this::sweep);
    }

    /** Peers that proved their membership and are connected now. */
    public List<PeerEntry> connectedMembers() {
        List<PeerEntry> out = new ArrayList<>();
        for (String p : network.connectedPeers()) {
            if (verified.contains(p)) {
                PeerEntry e = known.get(p);
                out.add(e != null ? e : new PeerEntry(p, "", network.addressesOf(p)));
            }
        }
        return out;
    }

    /** Every member peer this node has heard of. */
    public List<PeerEntry> knownPeers() {
        synchronized (known) {
            return new ArrayList<>(known.values());
        }
    }

    /**
     * True when no member peer is connected but one was within {@code windowMs}: this node is
     * probably cut off from a colony that goes on without it (or the others all died; after the
     * window it assumes so and works alone again).
     */
    public boolean isolated(long windowMs) {
        if (!connectedMembers().isEmpty()) {
            return false;
        }
        long since = scheduler.now() - windowMs;
        for (long t : lastSeen.values()) {
            if (t >= since) {
                return true;
            }
        }
        return false;
    }

    /** Whether a connected peer proved membership. */
    public boolean isVerified(String peerId) {
        return verified.contains(peerId);
    }

    @Override
    public void close() {
        closed = true;
        Scheduler.Cancellable t = timer;
        if (t != null) {
            t.cancel();
        }
        Scheduler.Cancellable s = sweepTimer;
        if (s != null) {
            s.cancel();
        }
    }

    // ---------------------------------------------------------------- hello

    private Hello ourHello() {
        Hello.Builder h = Hello.newBuilder().setColony(ByteString.copyFrom(colony)).setName(name)
                .addAllAddresses(limit(network.listenAddresses()));
        SignedRecord admit = ownAdmit.get();
        if (admit != null) {
            h.setAdmit(admit.toByteString());
        }
        return h.build();
    }

    private void sayHello(String peer) {
        network.request(peer, HELLO, ourHello().toByteArray(), Duration.ofMillis(config.helloTimeoutMs()))
                .thenAccept(bytes -> {
                    HelloResponse r;
                    try {
                        r = HelloResponse.parseFrom(bytes);
                    } catch (InvalidProtocolBufferException e) {
                        expel(peer, "sent a malformed hello answer");
                        return;
                    }
                    if (!r.getAccepted()) {
                        if (ANOTHER_COLONY.equals(r.getError())) {
                            foreignPeers.putIfAbsent(peer, "");
                            checkForeign();
                        }
                        LOG.warn("peer {} did not accept us: {}", peer, r.getError());
                        return;
                    }
                    String err = admitProblem(peer, r.getAdmit());
                    if (err != null) {
                        expel(peer, err);
                        return;
                    }
                    remember(peer, r.getName(), r.getAddressesList());
                    int added = 0;
                    for (KnownPeer k : r.getPeersList()) {
                        if (added++ >= config.maxKnownPeers()) {
                            break;
                        }
                        if (!k.getPeerId().equals(network.selfId()) && !known.containsKey(k.getPeerId())) {
                            remember(k.getPeerId(), "", k.getAddressesList());
                            if (network.connectedPeers().size() < config.targetPeers() && k.getAddressesCount() > 0) {
                                dial(k.getAddresses(0)); // peer exchange: meet them now, not at the next round
                            }
                        }
                    }
                })
                .exceptionally(e -> {
                    LOG.debug("hello to {} failed: {}", peer, e.toString());
                    return null;
                });
    }

    private CompletableFuture<byte[]> answerHello(String peer, byte[] bytes) {
        HelloResponse.Builder out = HelloResponse.newBuilder();
        Hello h;
        try {
            h = Hello.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            scheduler.schedule(0, () -> expel(peer, "sent a malformed hello"));
            return CompletableFuture.completedFuture(out.setError("malformed hello").build().toByteArray());
        }
        boolean foreign = !Arrays.equals(h.getColony().toByteArray(), colony);
        if (foreign) {
            foreignPeers.put(peer, io.colony.protocol.Hex.encode(h.getColony().toByteArray()));
            checkForeign();
        }
        String err = foreign ? ANOTHER_COLONY : admitProblem(peer, h.getAdmit());
        if (err != null) {
            if (keys.containsKey(peer)) {
                // (a hello racing ahead of the connection event is settled by our own hello)
                scheduler.schedule(100, () -> expel(peer, err));
            }
            return CompletableFuture.completedFuture(out.setError(err).build().toByteArray());
        }
        remember(peer, h.getName(), h.getAddressesList());
        out.setAccepted(true).setName(name).addAllAddresses(limit(network.listenAddresses()));
        SignedRecord admit = ownAdmit.get();
        if (admit != null) {
            out.setAdmit(admit.toByteString());
        }
        for (PeerEntry e : knownPeers()) {
            if (!e.peerId().equals(peer) && out.getPeersCount() < 64 && !e.addresses().isEmpty()) {
                out.addPeers(KnownPeer.newBuilder().setPeerId(e.peerId()).addAllAddresses(e.addresses()));
            }
        }
        return CompletableFuture.completedFuture(out.build().toByteArray());
    }

    /**
     * Checks that a peer is a member: the owner, already known, or proving it with an owner-signed
     * Admit of its own connection key. Returns null when fine, else why not.
     */
    private String admitProblem(String peer, ByteString admitBytes) {
        byte[] key = keys.get(peer);
        if (key == null) {
            return "unknown connection";
        }
        long now = scheduler.now();
        if (members.isRevoked(key)) {
            return "revoked";
        }
        if (members.isMember(key, now)) {
            markVerified(peer);
            offerAdmit(admitBytes);
            return null;
        }
        if (admitBytes.isEmpty()) {
            return "not a member of this colony";
        }
        try {
            SignedRecord admit = SignedRecord.parseFrom(admitBytes);
            Record body = Record.parseFrom(admit.getBody());
            boolean ok = Arrays.equals(admit.getSigner().toByteArray(), colony) && Records.verify(admit)
                    && body.hasAdmit() && Arrays.equals(body.getColony().toByteArray(), colony)
                    && Arrays.equals(body.getAdmit().getMember().toByteArray(), key)
                    && (body.getAdmit().getExpiresMs() <= 0 || body.getAdmit().getExpiresMs() > now)
                    && !members.isRevoked(key);
            if (!ok) {
                return "admission not valid for this key";
            }
            long expires = body.getAdmit().getExpiresMs();
            helloAdmittedUntil.put(peer, expires <= 0 ? Long.MAX_VALUE : expires);
            markVerified(peer);
            admitSink.accept(admit);
            return null;
        } catch (InvalidProtocolBufferException e) {
            return "malformed admission";
        }
    }

    private void markVerified(String peer) {
        if (!keys.containsKey(peer)) {
            return; // disconnected meanwhile
        }
        boolean fresh = verified.add(peer);
        everVerified = true;
        lastSeen.put(peer, scheduler.now());
        // into gossip now; a second call (the peer's answer says it verified us too) repeats our
        // subscriptions, which it dropped if it had not verified us yet
        network.trust(peer);
        if (fresh) {
            for (Consumer<String> l : verifiedListeners) {
                l.accept(peer);
            }
        }
    }

    private void offerAdmit(ByteString admitBytes) {
        if (admitBytes.isEmpty()) {
            return;
        }
        try {
            admitSink.accept(SignedRecord.parseFrom(admitBytes));
        } catch (InvalidProtocolBufferException e) {
            LOG.debug("ignored a malformed admission");
        }
    }

    private void expel(String peer, String why) {
        if (closed || verified.contains(peer) || !network.connectedPeers().contains(peer)) {
            return;
        }
        LOG.info("disconnecting {}: {}", peer, why);
        backoff.failed(peer, hostOf.get(peer), scheduler.now());
        network.disconnect(peer);
    }

    /** Stops for good when every bootstrap peer answered that it belongs to another colony. */
    private void checkForeign() {
        if (fatal || closed || everVerified || bootstrap.isEmpty()) {
            return;
        }
        List<String> theirs = new ArrayList<>();
        for (String b : bootstrap) {
            String peer = bootstrapPeers.get(b);
            String other = peer == null ? null : foreignPeers.get(peer);
            if (other == null) {
                return;
            }
            if (!other.isEmpty() && !theirs.contains(other)) {
                theirs.add(other);
            }
        }
        fatal = true;
        String ours = io.colony.protocol.Hex.encode(colony);
        String msg = "the join token or bootstrap peers of this node belong to another colony"
                + (theirs.isEmpty() ? "" : " (" + String.join(", ", theirs) + ")") + " than its own (" + ours
                + "): give it a join token of colony " + ours + " (colony member invite) or --bootstrap with"
                + " peers of that colony, or start it with a new data dir";
        close();
        fatalListener.accept(msg);
    }

    private void remember(String peer, String peerName, List<String> addresses) {
        if (peer.isEmpty() || peer.equals(network.selfId())) {
            return;
        }
        synchronized (known) {
            if (!known.containsKey(peer) && known.size() >= config.maxKnownPeers()) {
                return;
            }
            PeerEntry old = known.get(peer);
            String n = peerName.isEmpty() && old != null ? old.name() : peerName;
            List<String> a = addresses.isEmpty() && old != null ? old.addresses() : limit(addresses);
            known.put(peer, new PeerEntry(peer, n, a));
        }
    }

    private static List<String> limit(List<String> addresses) {
        return List.copyOf(addresses.subList(0, Math.min(addresses.size(), MAX_ADDRESSES)));
    }

    // ---------------------------------------------------------------- connections

    private void maintain() {
        if (closed) {
            return;
        }
        try {
            Set<String> connected = network.connectedPeers();
            if (connected.isEmpty()) {
                for (String b : bootstrap) {
                    dial(b);
                }
            }
            int missing = config.targetPeers() - connected.size();
            if (missing > 0) {
                List<PeerEntry> candidates = new ArrayList<>();
                for (PeerEntry e : knownPeers()) {
                    if (!connected.contains(e.peerId()) && !e.addresses().isEmpty()) {
                        candidates.add(e);
                    }
                }
                Collections.shuffle(candidates, random);
                for (PeerEntry e : candidates.subList(0, Math.min(missing, candidates.size()))) {
                    dial(e.addresses().get(0));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("connection maintenance failed", e);
        }
        timer = scheduler.schedule(config.maintainMs(), this::maintain);
    }

    private void dial(String address) {
        network.connect(address).thenAccept(peer -> {
            if (bootstrap.contains(address)) {
                bootstrapPeers.put(address, peer);
                checkForeign();
            }
        }).exceptionally(e -> {
            LOG.debug("could not reach {}: {}", address, e.toString());
            return null;
        });
    }
}
