package io.colony.node.net.memory;

import io.colony.node.time.Scheduler;
import io.colony.node.net.gossip.GossipConfig;
import io.colony.node.net.gossip.InsecureSigner;
import io.colony.node.net.gossip.MessageSigner;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Connects many {@link InMemoryNetwork} nodes in one JVM. Every transmission between nodes goes
 * through the hub, which applies the {@link LinkModel} (latency, loss), partitions, and FIFO order
 * per directed link (like a TCP connection), then schedules the arrival on the {@link Scheduler}.
 * All randomness derives from the seed, so with a deterministic scheduler a run is reproducible.
 */
public final class InMemoryHub {

    private final Scheduler scheduler;
    private final long seed;
    private final GossipConfig config;
    private final Function<String, MessageSigner> signers;
    private final Random linkRandom;
    private final Map<String, InMemoryNetwork> nodes = new LinkedHashMap<>();
    private final Map<String, Integer> partitionGroup = new HashMap<>();
    private final Map<String, Long> lastArrival = new HashMap<>();
    private LinkModel links = LinkModel.perfect();
    private TrafficObserver traffic = (from, to, bytes) -> { };

    /** Told of every transmission the hub schedules (after partition and loss checks). */
    @FunctionalInterface
    public interface TrafficObserver {
        /** {@code bytes} is the payload size (0 for connection set-up). */
        void sent(String from, String to, int bytes);
    }

    /** A hub with default gossip parameters and the cheap {@link InsecureSigner}. */
    public InMemoryHub(Scheduler scheduler, long seed) {
        this(scheduler, seed, GossipConfig.defaults(), InsecureSigner::new);
    }

    /**
     * @param signers creates the message signer of a node from its id
     */
    public InMemoryHub(Scheduler scheduler, long seed, GossipConfig config, Function<String, MessageSigner> signers) {
        this.scheduler = scheduler;
        this.seed = seed;
        this.config = config;
        this.signers = signers;
        this.linkRandom = new Random(seed);
    }

    /** Creates a node (not yet started) with a public key derived from its id. */
    public InMemoryNetwork createNode(String id) {
        return createNode(id, sha256(id));
    }

    /** Creates a node (not yet started) with the given 32-byte identity key. */
    public InMemoryNetwork createNode(String id, byte[] publicKey) {
        if (id == null || id.isEmpty() || id.contains("/")) {
            throw new IllegalArgumentException("node id must be non-empty and contain no '/'");
        }
        synchronized (this) {
            if (nodes.containsKey(id)) {
                throw new IllegalArgumentException("duplicate node id " + id);
            }
        }
        return new InMemoryNetwork(this, id, publicKey.clone(), signers.apply(id));
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public GossipConfig gossipConfig() {
        return config;
    }

    public synchronized void setLinkModel(LinkModel model) {
        this.links = model;
    }

    /** Observes every scheduled transmission (e.g. to count messages and bytes per node). */
    public synchronized void setTrafficObserver(TrafficObserver observer) {
        this.traffic = observer;
    }

    /**
     * Splits the network: nodes of different groups cannot reach each other; nodes in no group
     * form one more group together. Replaces any earlier partition.
     */
    public synchronized void partition(List<? extends Collection<String>> groups) {
        partitionGroup.clear();
        for (int i = 0; i < groups.size(); i++) {
            for (String id : groups.get(i)) {
                partitionGroup.put(id, i);
            }
        }
    }

    /** Removes the partition. */
    public synchronized void heal() {
        partitionGroup.clear();
    }

    /** Ids of the started nodes. */
    public synchronized List<String> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    synchronized void register(InMemoryNetwork node) {
        if (nodes.putIfAbsent(node.selfId(), node) != null) {
            throw new IllegalStateException("duplicate node id " + node.selfId());
        }
    }

    synchronized void unregister(InMemoryNetwork node) {
        nodes.remove(node.selfId(), node);
    }

    synchronized InMemoryNetwork lookup(String id) {
        return nodes.get(id);
    }

    /**
     * Schedules {@code arrival} after the link's delay. Returns false (and drops it) if the nodes
     * are partitioned or, when {@code lossy}, the link model lost it.
     */
    synchronized boolean transmit(String from, String to, boolean lossy, Runnable arrival) {
        return transmit(from, to, 0, lossy, arrival);
    }

    /** As {@link #transmit(String, String, boolean, Runnable)}, reporting {@code bytes} to the observer. */
    synchronized boolean transmit(String from, String to, int bytes, boolean lossy, Runnable arrival) {
        if (!partitionGroup.getOrDefault(from, -1).equals(partitionGroup.getOrDefault(to, -1))) {
            return false;
        }
        long delay = links.delayMillis(from, to, linkRandom);
        if (delay < 0) {
            if (lossy) {
                return false;
            }
            delay = 0;
        }
        long now = scheduler.now();
        String link = from + '\u0000' + to;
        long at = Math.max(now + delay, lastArrival.getOrDefault(link, 0L));
        lastArrival.put(link, at);
        traffic.sent(from, to, bytes);
        scheduler.schedule(at - now, arrival);
        return true;
    }

    /** The router randomness of a node: derived from the hub seed and the node id. */
    Random randomFor(String id) {
        return new Random(seed * 0x9E3779B97F4A7C15L + id.hashCode());
    }

    private static byte[] sha256(String id) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
