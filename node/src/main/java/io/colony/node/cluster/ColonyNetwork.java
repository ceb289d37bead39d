package io.colony.node.cluster;

import io.colony.node.net.PeerNetwork;
import io.colony.node.replication.ReplicationConfig;
import io.colony.node.replication.Replicator;
import io.colony.node.replication.SyncSource;
import io.colony.protocol.Identity;
import io.colony.protocol.pb.SignedRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A node's presence in its colony's peer-to-peer network: the {@link PeerNetwork} its settings'
 * {@link PeerNetworkFactory} builds (libp2p for real nodes), membership on connections ({@link ClusterManager}) and ledger replication
 * ({@link Replicator}). The node's ledger loop owns every ledger access; this class only wires.
 */
public final class ColonyNetwork implements AutoCloseable {

    /**
     * @param network builds the peer-to-peer network from the node's identity
     * @param bootstrap addresses of peers to join through (multiaddrs on libp2p)
     * @param ownAdmit the owner's Admit of this node's key when joining with a token (null: found in
     *     the ledger, or this is the owner's node)
     */
    public record Settings(PeerNetworkFactory network, List<String> bootstrap, SignedRecord ownAdmit,
            ClusterConfig cluster, ReplicationConfig replication) {

        /** libp2p listening on {@code listenHost:port} (0: any free port), join through {@code bootstrap}, default tunables. */
        public static Settings of(String listenHost, int port, List<String> bootstrap, SignedRecord ownAdmit) {
            return of(PeerNetworkFactory.libp2p(listenHost, port), bootstrap, ownAdmit);
        }

        /** The network {@code network} builds, join through {@code bootstrap}, default tunables. */
        public static Settings of(PeerNetworkFactory network, List<String> bootstrap, SignedRecord ownAdmit) {
            return new Settings(network, bootstrap, ownAdmit, ClusterConfig.defaults(), ReplicationConfig.defaults());
        }

        public Settings {
            java.util.Objects.requireNonNull(network, "network");
            bootstrap = List.copyOf(bootstrap);
        }

        /** These settings with other replication tunables. */
        public Settings withReplication(ReplicationConfig replication) {
            return new Settings(network, bootstrap, ownAdmit, cluster, replication);
        }
    }

    /**
     * How long after losing its last peer a node still considers itself cut off from a colony that
     * goes on without it. After that it assumes the others are gone and works alone again.
     */
    public static final long ISOLATION_WINDOW_MS = 5 * 60_000;

    private final PeerNetwork network;
    private final ClusterManager cluster;
    private final Replicator replicator;
    private final boolean joining;
    private final long startedMs = System.currentTimeMillis();

    /**
     * @param loop the node's ledger loop: replication runs on it
     * @param source the ledger as replication sees it
     * @param directory who is a member (fed by the node from stored Admit/Revoke records)
     * @param ownAdmit this node's admission as currently known
     * @param admitSink takes Admit records peers present (for the ledger; any thread)
     */
    public ColonyNetwork(Identity identity, byte[] colony, String name, Settings settings,
            ScheduledExecutorService loop, SyncSource source, MemberDirectory directory,
            Supplier<SignedRecord> ownAdmit, Consumer<SignedRecord> admitSink) {
        this.network = settings.network().create(identity);
        LoopScheduler scheduler = new LoopScheduler(loop);
        long seed = java.util.Arrays.hashCode(identity.publicKey());
        this.cluster = new ClusterManager(network, colony, ownAdmit, name, directory, admitSink, scheduler,
                settings.bootstrap(), settings.cluster(), seed);
        this.joining = !settings.bootstrap().isEmpty();
        this.replicator = new Replicator(network, colony, loop, scheduler, source,
                k -> directory.isMember(k, System.currentTimeMillis()), cluster::isVerified, settings.replication(),
                seed);
        cluster.addVerifiedListener(replicator::peerTrusted);
        replicator.onRevokeSeen(directory::observe); // cut the key before reading more gossip
    }

    /**
     * Called once, with one line saying what to do, if this node cannot join its colony: every
     * bootstrap peer belongs to another colony. The node should stop.
     */
    public void onFatal(Consumer<String> listener) {
        cluster.onFatal(listener);
    }

    /** Starts listening, joins through the bootstrap peers and starts replicating. */
    public void start() {
        cluster.install();
        network.start();
        replicator.start();
        cluster.start();
    }

    /**
     * Gossips records this node created or received from its clients.
     *
     * @return how many member peers this node is connected to (0: nobody heard it now)
     */
    public int publish(List<SignedRecord> records) {
        for (SignedRecord r : records) {
            replicator.publish(r);
        }
        return cluster.connectedMembers().size();
    }

    /**
     * Shows an own Claim to every connected member peer and applies their answers (see {@link
     * Replicator#checkClaim}); completes (never exceptionally) when all answered or timed out.
     */
    public CompletableFuture<Void> checkClaim(SignedRecord claim) {
        List<String> peers = cluster.connectedMembers().stream().map(ClusterManager.PeerEntry::peerId).toList();
        return peers.isEmpty() ? CompletableFuture.completedFuture(null) : replicator.checkClaim(claim, peers);
    }

    /** This node's peer id. */
    public String peerId() {
        return network.selfId();
    }

    /** Full dialable addresses ({@code /ip4/…/tcp/…/p2p/…}). */
    public List<String> addresses() {
        return network.listenAddresses();
    }

    /** Connected peers that proved membership. */
    public List<ClusterManager.PeerEntry> peers() {
        return cluster.connectedMembers();
    }

    /**
     * True while this node is cut off: no member peer connected, though one was within
     * {@link #ISOLATION_WINDOW_MS}. An isolated node claims nothing new and does not confirm lease
     * renewals, so its running processes stop before their leases can expire elsewhere.
     */
    public boolean isolated() {
        return cluster.isolated(ISOLATION_WINDOW_MS);
    }

    /**
     * True while this node, joining through bootstrap peers, has not yet caught up with one of them
     * ({@link Replicator#caughtUp()}): its ledger may miss claims and results of the time it was
     * away, so it must claim nothing yet. After {@link #ISOLATION_WINDOW_MS} without catching up it
     * assumes it is alone and works again.
     */
    public boolean catchingUp() {
        return joining && !replicator.caughtUp() && System.currentTimeMillis() - startedMs < ISOLATION_WINDOW_MS;
    }

    /** Every member peer heard of. */
    public List<ClusterManager.PeerEntry> knownPeers() {
        return cluster.knownPeers();
    }

    /** Claim checks answered for peers so far. */
    public long claimChecksAnswered() {
        return replicator.claimChecksAnswered();
    }

    /** Records received through anti-entropy so far. */
    public long pulledRecords() {
        return replicator.pulledRecords();
    }

    @Override
    public void close() {
        replicator.close();
        cluster.close();
        network.close();
    }
}
