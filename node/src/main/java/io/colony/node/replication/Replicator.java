package io.colony.node.replication;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.colony.node.net.PeerNetwork;
import io.colony.node.net.PeerNetwork.Validation;
import io.colony.node.time.Scheduler;
import io.colony.node.pb.ClaimCheckRequest;
import io.colony.node.pb.DigestRequest;
import io.colony.node.pb.DigestResponse;
import io.colony.node.pb.FetchRequest;
import io.colony.node.pb.FetchResponse;
import io.colony.node.pb.IdsRequest;
import io.colony.node.pb.IdsResponse;
import io.colony.node.pb.PushRequest;
import io.colony.node.pb.PushResponse;
import io.colony.node.replication.ReplicationConfig.Path;
import io.colony.node.pb.SyncRequest;
import io.colony.node.pb.SyncResponse;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Ids;
import io.colony.protocol.RecordKind;
import io.colony.protocol.Records;
import io.colony.protocol.pb.SignedRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicates the ledger between the nodes of a colony: every record a node stores is gossiped on
 * the colony's topic (fast, but gossip can lose messages), and every node regularly pulls from a
 * random peer what it lacks (anti-entropy: {@link SyncDigest} comparison, then ids of the differing
 * buckets, then the missing records). A node that was down, partitioned or is new catches up this
 * way; a new connection triggers a pull at once.
 *
 * <p>Threading: all ledger access happens on {@code owner}; network callbacks hop onto it. The
 * gossip validator runs on network threads and only checks what needs no ledger: that the bytes are
 * a signed record with a valid signature from a known member.
 */
public final class Replicator implements AutoCloseable {

    public static final String SYNC_PROTOCOL = "/colony/sync/1.0.0";
    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);
    private static final int REFUSED_CACHE = 10_000;
    private static final int MAX_GOSSIP_BATCH = 1_024;
    private static final int MAX_QUEUED_GOSSIP = 65_536;
    /** The whole answer to a peer that has not proven its membership. */
    public static final String NOT_TRUSTED = "membership not proven";

    private final PeerNetwork network;
    private final String topic;
    private final Executor owner;
    private final Scheduler scheduler;
    private final SyncSource source;
    private final Predicate<byte[]> isMember;
    private final Predicate<String> trustedPeer;
    private final ReplicationConfig config;
    private final Random random;
    private final Map<String, Long> refusedUntil = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REFUSED_CACHE;
        }
    };
    private final java.util.Set<String> syncing = new java.util.HashSet<>();
    private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> gossipQueue =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean drainScheduled =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    private final byte[] colonyId;
    private volatile java.util.function.Consumer<DecodedRecord> revokeSeen = r -> { };
    private volatile boolean closed;
    private volatile Scheduler.Cancellable timer;
    private long pulledRecords;
    private long claimChecksAnswered;
    private long syncRounds;
    private long progressRounds;
    private int chainedRounds;
    private final Map<Path, Long> storedByPath = new java.util.EnumMap<>(Path.class);
    private volatile boolean caughtUp;

    /**
     * @param isMember thread-safe check that a signer key belongs to the colony (as far as this node
     *     knows); used by the gossip validator
     * @param seed randomness for peer choice and jitter (fixed in simulations)
     */
    public Replicator(PeerNetwork network, byte[] colonyId, Executor owner, Scheduler scheduler, SyncSource source,
            Predicate<byte[]> isMember, ReplicationConfig config, long seed) {
        this(network, colonyId, owner, scheduler, source, isMember, peer -> true, config, seed);
    }

    /**
     * @param trustedPeer thread-safe check that a connected peer proved its membership: only those
     *     are served ({@value #SYNC_PROTOCOL}, claim checks), pulled from, and have their answers
     *     applied; a peer that proves it later is announced with {@link #peerTrusted}
     */
    public Replicator(PeerNetwork network, byte[] colonyId, Executor owner, Scheduler scheduler, SyncSource source,
            Predicate<byte[]> isMember, Predicate<String> trustedPeer, ReplicationConfig config, long seed) {
        this.trustedPeer = trustedPeer;
        this.colonyId = colonyId.clone();
        this.network = network;
        this.topic = topicOf(colonyId);
        this.owner = owner;
        this.scheduler = scheduler;
        this.source = source;
        this.isMember = isMember;
        this.config = config;
        this.random = new Random(seed);
    }

    /** The gossip topic of a colony. */
    public static String topicOf(byte[] colonyId) {
        return "/colony/" + HexFormat.of().formatHex(colonyId) + "/records/1";
    }

    /** Subscribes to the colony topic, serves sync requests and starts the pull timer. */
    public void start() {
        network.subscribe(topic, this::validate, this::onGossip);
        network.handle(SYNC_PROTOCOL, (from, bytes) -> {
            if (!trustedPeer.test(from)) {
                // nothing before proof: not even a digest
                return CompletableFuture.completedFuture(error(NOT_TRUSTED).toByteArray());
            }
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            owner.execute(() -> {
                try {
                    answer.complete(serve(from, bytes).toByteArray());
                } catch (RuntimeException e) {
                    answer.complete(SyncResponse.newBuilder().setError(e.getMessage() == null ? "error" : e.getMessage())
                            .build().toByteArray());
                }
            });
            return answer;
        });
        network.addPeerListener(new PeerNetwork.PeerListener() {
            @Override
            public void connected(String peerId, byte[] key) {
                if (trustedPeer.test(peerId)) {
                    owner.execute(() -> pullFrom(peerId));
                }
            }

            @Override
            public void disconnected(String peerId) {
            }
        });
        scheduleNext();
    }

    /**
     * Told of every valid owner-signed Revoke as soon as gossip delivers it, on the network thread,
     * before the ledger stores it and before this peer reads its next gossip: the network drops the
     * revoked key there, so records gossiped after the Revoke do not reach it from this node.
     */
    public void onRevokeSeen(java.util.function.Consumer<DecodedRecord> listener) {
        this.revokeSeen = listener;
    }

    /** A connected peer proved its membership: pull from it at once. */
    public void peerTrusted(String peerId) {
        owner.execute(() -> pullFrom(peerId));
    }

    /** Publishes a record this node created and stored. */
    public void publish(SignedRecord record) {
        network.publish(topic, record.toByteArray());
    }

    /** Claim checks this node answered for its peers so far (each: a peer about to start an attempt). */
    public long claimChecksAnswered() {
        return claimChecksAnswered;
    }

    /** Number of records received through anti-entropy pulls so far. */
    public long pulledRecords() {
        return pulledRecords;
    }

    /** Number of completed sync rounds. */
    public long syncRounds() {
        return syncRounds;
    }

    /** Rounds that pulled or pushed at least one record. */
    public long progressRounds() {
        return progressRounds;
    }

    /** Records stored so far by each path (held records released by them included). */
    public Map<Path, Long> storedByPath() {
        return java.util.Collections.unmodifiableMap(new java.util.EnumMap<>(storedByPath));
    }

    /**
     * True once a sync round with some peer ended with nothing left to pull: this node then had
     * every record that peer had (a restarted node has caught up with what happened while it was away).
     */
    public boolean caughtUp() {
        return caughtUp;
    }

    @Override
    public void close() {
        closed = true;
        Scheduler.Cancellable t = timer;
        if (t != null) {
            t.cancel();
        }
    }

    // ---------------------------------------------------------------- gossip

    private Validation validate(String from, byte[] data) {
        SignedRecord r;
        try {
            r = SignedRecord.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            return Validation.REJECT;
        }
        if (r.getSigner().size() != Ids.ID_BYTES || !Records.verify(r)) {
            return Validation.REJECT;
        }
        // unknown signers may be members whose Admit we have not seen yet: sync settles it
        return isMember.test(r.getSigner().toByteArray()) ? Validation.ACCEPT : Validation.IGNORE;
    }

    /**
     * Queues a gossiped record; one task on the owner applies everything queued with a single
     * durable commit, so a burst of gossip costs one commit, not one per record.
     */
    private void onGossip(String from, byte[] data) {
        if (closed) {
            return;
        }
        noticeRevoke(data);
        if (queued.incrementAndGet() > MAX_QUEUED_GOSSIP) {
            queued.decrementAndGet(); // the ledger loop is behind: anti-entropy fetches it later
            return;
        }
        gossipQueue.add(data);
        if (drainScheduled.compareAndSet(false, true)) {
            owner.execute(this::drainGossip);
        }
    }

    /** Delivered gossip was validated (signature checked): an owner-signed Revoke takes effect now. */
    private void noticeRevoke(byte[] data) {
        try {
            SignedRecord r = SignedRecord.parseFrom(data);
            if (r.getSigner().equals(ByteString.copyFrom(colonyId))) {
                DecodedRecord d = Records.decode(r);
                if (d.kind() == RecordKind.REVOKE && java.util.Arrays.equals(d.record().getColony().toByteArray(),
                        colonyId)) {
                    revokeSeen.accept(d);
                }
            }
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            LOG.debug("gossiped owner record not decoded: {}", e.toString());
        }
    }

    private void drainGossip() {
        drainScheduled.set(false);
        List<SignedRecord> batch = new ArrayList<>();
        byte[] data;
        while (batch.size() < MAX_GOSSIP_BATCH && (data = gossipQueue.poll()) != null) {
            queued.decrementAndGet();
            try {
                SignedRecord r = SignedRecord.parseFrom(data);
                if (!source.contains(Records.recordId(r))) {
                    batch.add(r);
                }
            } catch (InvalidProtocolBufferException e) {
                LOG.debug("malformed gossiped record dropped");
            }
        }
        if (!gossipQueue.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            owner.execute(this::drainGossip);
        }
        if (!batch.isEmpty() && !closed) {
            try {
                ingest(batch, "gossip", Path.GOSSIP);
            } catch (RuntimeException e) {
                LOG.warn("gossiped records not applied: {}", e.toString());
            }
        }
    }

    // ---------------------------------------------------------------- rounds

    private void scheduleNext() {
        if (closed) {
            return;
        }
        long base = config.syncIntervalMs();
        long delay = base / 2 + (long) (random.nextDouble() * base);
        timer = scheduler.schedule(delay, () -> owner.execute(() -> {
            String peer = freePeer(null);
            if (peer != null) {
                round(peer, false, false);
            }
            scheduleNext();
        }));
    }

    /**
     * A random trusted peer not in a round with this node now (a peer still answering an earlier
     * round, or cut off with its request not timed out yet, is skipped: the round goes to a peer
     * that can answer now), other than {@code except}; null if there is none.
     */
    private String freePeer(String except) {
        List<String> peers = new ArrayList<>(network.connectedPeers());
        peers.removeIf(p -> p.equals(except) || !trustedPeer.test(p) || syncing.contains(p));
        if (peers.isEmpty()) {
            return null;
        }
        peers.sort(null);
        return peers.get(random.nextInt(peers.size()));
    }

    /** An anti-entropy round with a peer, now (a new connection, a peer that proved its membership). */
    void pullFrom(String peer) {
        round(peer, false, false);
    }

    /**
     * One push-pull anti-entropy round with a peer: digest, ids of (at most
     * {@link ReplicationConfig#maxBucketsPerRound}) differing buckets, then this node fetches the
     * records it lacks and pushes the records of those buckets the peer lacks. A round that made
     * progress (records pulled or pushed) is followed at once by another: with the same peer if
     * buckets were left over, otherwise with another peer, to pass the news on. Rounds started that
     * way are bounded by {@link ReplicationConfig#maxParallelRounds}; rounds on the timer or on a new
     * connection always start (if the peer is not in a round already).
     *
     * @param forwarding this round follows one that made progress (its push passes news on)
     * @param chained this round was started by progress, not by the timer or a connection
     */
    private void round(String peer, boolean forwarding, boolean chained) {
        if (closed || !trustedPeer.test(peer) || (chained && chainedRounds >= config.maxParallelRounds())
                || !syncing.add(peer)) {
            return;
        }
        if (chained) {
            chainedRounds++;
        }
        long pulledBefore = pulledRecords;
        long[] pushed = {0};
        boolean[] more = {false};
        SyncDigest d = source.digest();
        DigestRequest.Builder req = DigestRequest.newBuilder();
        for (int b = 0; b < SyncDigest.BUCKETS; b++) {
            req.addBucketXor(ByteString.copyFrom(d.bucketXor(b))).addBucketCount(d.bucketCount(b));
        }
        ask(peer, SyncRequest.newBuilder().setDigest(req).build())
                .thenCompose(resp -> {
                    List<Integer> differing = resp.getDigest().getDifferingList();
                    if (differing.isEmpty()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    List<Integer> buckets = new ArrayList<>(differing);
                    java.util.Collections.shuffle(buckets, random);
                    List<Integer> asked = List.copyOf(buckets.subList(0, Math.min(buckets.size(),
                            config.maxBucketsPerRound())));
                    more[0] = asked.size() < differing.size();
                    return ask(peer, SyncRequest.newBuilder().setIds(IdsRequest.newBuilder().addAllBuckets(asked))
                            .build()).thenComposeAsync(ids -> {
                                more[0] |= ids.getIds().getTruncated();
                                CompletableFuture<Void> pulled = fetchMissing(peer, ids.getIds());
                                if (ids.getIds().getTruncated()) {
                                    return pulled; // the peer's set is not known in full: nothing to push
                                }
                                return pulled.thenComposeAsync(v -> push(peer, asked, ids.getIds(), forwarding),
                                        owner).thenAccept(n -> pushed[0] += n);
                            }, owner);
                })
                .whenCompleteAsync((v, err) -> {
                    syncing.remove(peer);
                    syncRounds++;
                    if (chained) {
                        chainedRounds--;
                    }
                    long pulled = pulledRecords - pulledBefore;
                    if (err != null) {
                        LOG.debug("sync with {} failed: {}", peer, err.toString());
                        return;
                    }
                    if (pulled == 0 && !more[0]) {
                        caughtUp = true;
                    }
                    if (pulled == 0 && pushed[0] == 0) {
                        return;
                    }
                    progressRounds++;
                    if (more[0]) {
                        round(peer, forwarding, true); // buckets left over with this peer
                    } else {
                        passOn(peer);
                    }
                }, owner);
    }

    /** This node learned news (or a peer did from it): a round with another peer passes it on. */
    private void passOn(String except) {
        String next = freePeer(except);
        if (next != null) {
            round(next, true, true);
        }
    }

    /**
     * Pushes to {@code peer} the records of {@code buckets} this node holds and the peer's ids
     * answer lacked; completes with how many the peer stored.
     */
    private CompletableFuture<Long> push(String peer, List<Integer> buckets, IdsResponse theirs, boolean forward) {
        java.util.Set<ByteString> known = new java.util.HashSet<>(theirs.getIdsList());
        List<SignedRecord> news = new ArrayList<>();
        for (int b : buckets) {
            source.idsInBucket(b, id -> {
                if (!known.contains(ByteString.copyFrom(id))) {
                    source.record(id).ifPresent(news::add);
                }
            });
        }
        CompletableFuture<Long> chain = CompletableFuture.completedFuture(0L);
        int i = 0;
        while (i < news.size()) {
            PushRequest.Builder batch = PushRequest.newBuilder().setForward(forward);
            int size = 0;
            while (i < news.size() && batch.getRecordsCount() < config.maxFetchPerRequest()) {
                int s = news.get(i).getSerializedSize();
                if (size + s > config.maxResponseBytes() && size > 0) {
                    break;
                }
                size += s;
                batch.addRecords(news.get(i++).toByteString());
            }
            SyncRequest request = SyncRequest.newBuilder().setPush(batch).build();
            chain = chain.thenCompose(n -> ask(peer, request).thenApply(r -> n + r.getPush().getStored()));
        }
        return chain;
    }

    private CompletableFuture<Void> fetchMissing(String peer, IdsResponse ids) {
        long now = scheduler.now();
        List<ByteString> missing = new ArrayList<>();
        for (ByteString id : ids.getIdsList()) {
            byte[] raw = id.toByteArray();
            if (raw.length != Ids.ID_BYTES || source.contains(raw)) {
                continue;
            }
            Long until = refusedUntil.get(Ids.text(raw));
            if (until != null && until > now) {
                continue;
            }
            missing.add(id);
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = 0; i < missing.size(); i += config.maxFetchPerRequest()) {
            List<ByteString> batch = missing.subList(i, Math.min(missing.size(), i + config.maxFetchPerRequest()));
            chain = chain.thenCompose(v -> fetch(peer, batch));
        }
        return chain;
    }

    private CompletableFuture<Void> fetch(String peer, List<ByteString> ids) {
        List<ByteString> wanted = new ArrayList<>(ids);
        return ask(peer, SyncRequest.newBuilder().setFetch(FetchRequest.newBuilder().addAllIds(wanted)).build())
                .thenAcceptAsync(resp -> pulledRecords += ingestAnswer(resp, peer, Path.PULL), owner)
                .thenCompose(v -> {
                    // answers are size-capped: ask again for what did not fit
                    List<ByteString> rest = new ArrayList<>();
                    for (ByteString id : wanted) {
                        if (!source.contains(id.toByteArray()) && !refusedUntil.containsKey(Ids.text(id.toByteArray()))) {
                            rest.add(id);
                        }
                    }
                    return rest.size() < wanted.size() && !rest.isEmpty() ? fetch(peer, rest)
                            : CompletableFuture.completedFuture(null);
                });
    }

    /** Applies the records of a fetch (or claim check) answer; returns how many it carried. */
    private int ingestAnswer(SyncResponse resp, String peer, Path path) {
        if (!trustedPeer.test(peer)) {
            return 0; // it lost its membership meanwhile
        }
        List<SignedRecord> records = new ArrayList<>();
        for (ByteString b : resp.getFetch().getRecordsList()) {
            try {
                records.add(SignedRecord.parseFrom(b));
            } catch (InvalidProtocolBufferException e) {
                LOG.debug("peer {} sent a malformed record", peer);
            }
        }
        if (!records.isEmpty()) {
            ingest(records, peer, path);
        }
        return records.size();
    }

    /**
     * Verifies and applies records from a peer; returns how many reached the store (held records
     * released by them included), and tells the observer by which path.
     */
    private long ingest(List<SignedRecord> records, String from, Path path) {
        long before = source.digest().total();
        noteRefused(source.ingest(records, from));
        long stored = source.digest().total() - before;
        if (stored > 0) {
            storedByPath.merge(path, stored, Long::sum);
            config.observer().stored(network.selfId(), path, (int) stored);
        }
        return Math.max(0, stored);
    }

    private void noteRefused(List<byte[]> refused) {
        long until = scheduler.now() + config.refusedRetryMs();
        for (byte[] id : refused) {
            refusedUntil.put(Ids.text(id), until);
        }
    }

    private CompletableFuture<SyncResponse> ask(String peer, SyncRequest request) {
        return network.request(peer, SYNC_PROTOCOL, request.toByteArray(), Duration.ofMillis(config.requestTimeoutMs()))
                .thenApply(bytes -> {
                    try {
                        SyncResponse r = SyncResponse.parseFrom(bytes);
                        if (r.getKindCase() == SyncResponse.KindCase.ERROR) {
                            throw new IllegalStateException("peer refused sync: " + r.getError());
                        }
                        return r;
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException("malformed sync answer", e);
                    }
                });
    }

    // ---------------------------------------------------------------- claim checks

    /**
     * Shows this node's Claim to {@code peers} and applies what they answer (the records they hold
     * of that process, a competing claim included). Completes when every peer answered or failed to
     * (each within the request timeout); never exceptionally.
     */
    public CompletableFuture<Void> checkClaim(SignedRecord claim, List<String> peers) {
        SyncRequest req = SyncRequest.newBuilder().setClaimCheck(ClaimCheckRequest.newBuilder()
                .setClaim(claim.toByteString())).build();
        CompletableFuture<?>[] answers = new CompletableFuture<?>[peers.size()];
        for (int i = 0; i < peers.size(); i++) {
            String peer = peers.get(i);
            answers[i] = ask(peer, req).thenAcceptAsync(resp -> ingestAnswer(resp, peer, Path.CLAIM_CHECK), owner).handle((v, e) -> {
                if (e != null) {
                    LOG.debug("claim check with {} failed: {}", peer, e.toString());
                }
                return null;
            });
        }
        return CompletableFuture.allOf(answers);
    }

    private SyncResponse serveClaimCheck(ClaimCheckRequest check) {
        SignedRecord claim;
        DecodedRecord d;
        try {
            claim = SignedRecord.parseFrom(check.getClaim());
            d = Records.decode(claim);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return error("malformed claim");
        }
        if (d.kind() != RecordKind.CLAIM) {
            return error("a claim check carries a claim");
        }
        if (!source.contains(d.id())) {
            ingest(List.of(claim), "claim-check", Path.CLAIM_CHECK);
        }
        claimChecksAnswered++;
        FetchResponse.Builder out = FetchResponse.newBuilder();
        int size = 0;
        for (SignedRecord r : source.processRecords(d.processId())) {
            int s = r.getSerializedSize();
            if (size + s > config.maxResponseBytes() && size > 0) {
                break;
            }
            size += s;
            out.addRecords(r.toByteString());
        }
        return SyncResponse.newBuilder().setFetch(out).build();
    }

    // ---------------------------------------------------------------- serving

    SyncResponse serve(byte[] bytes) {
        return serve(null, bytes);
    }

    /** Answers a sync request of {@code from} (a trusted peer; null in tests: a push is not passed on). */
    SyncResponse serve(String from, byte[] bytes) {
        SyncRequest req;
        try {
            req = SyncRequest.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return error("malformed sync request");
        }
        switch (req.getKindCase()) {
            case DIGEST: {
                DigestRequest d = req.getDigest();
                if (d.getBucketXorCount() != SyncDigest.BUCKETS || d.getBucketCountCount() != SyncDigest.BUCKETS) {
                    return error("a digest has " + SyncDigest.BUCKETS + " buckets");
                }
                List<byte[]> xors = new ArrayList<>(SyncDigest.BUCKETS);
                for (ByteString x : d.getBucketXorList()) {
                    xors.add(x.toByteArray());
                }
                return SyncResponse.newBuilder().setDigest(DigestResponse.newBuilder()
                        .addAllDiffering(source.digest().differing(xors, d.getBucketCountList()))).build();
            }
            case IDS: {
                IdsResponse.Builder out = IdsResponse.newBuilder();
                int[] n = {0};
                for (int b : req.getIds().getBucketsList()) {
                    if (b < 0 || b >= SyncDigest.BUCKETS) {
                        return error("bucket out of range: " + b);
                    }
                    source.idsInBucket(b, id -> {
                        if (n[0] < config.maxIdsPerResponse()) {
                            out.addIds(ByteString.copyFrom(id));
                        }
                        n[0]++;
                    });
                }
                return SyncResponse.newBuilder().setIds(out.setTruncated(n[0] > config.maxIdsPerResponse())).build();
            }
            case FETCH: {
                FetchResponse.Builder out = FetchResponse.newBuilder();
                int size = 0;
                int count = 0;
                for (ByteString id : req.getFetch().getIdsList()) {
                    if (count++ >= config.maxFetchPerRequest()) {
                        break;
                    }
                    var rec = id.size() == Ids.ID_BYTES ? source.record(id.toByteArray()) : java.util.Optional.<SignedRecord>empty();
                    if (rec.isPresent()) {
                        int s = rec.get().getSerializedSize();
                        if (size + s > config.maxResponseBytes() && size > 0) {
                            break;
                        }
                        size += s;
                        out.addRecords(rec.get().toByteString());
                    }
                }
                return SyncResponse.newBuilder().setFetch(out).build();
            }
            case CLAIM_CHECK:
                return serveClaimCheck(req.getClaimCheck());
            case PUSH:
                return servePush(from, req.getPush());
            default:
                return error("unknown sync request");
        }
    }

    /**
     * Applies the records a peer pushed in its round (each verified like any other); if they were
     * news, a round with another peer passes them on.
     */
    private SyncResponse servePush(String from, PushRequest push) {
        if (push.getRecordsCount() > config.maxFetchPerRequest()) {
            return error("a push carries at most " + config.maxFetchPerRequest() + " records");
        }
        List<SignedRecord> records = new ArrayList<>(push.getRecordsCount());
        long size = 0;
        for (ByteString b : push.getRecordsList()) {
            size += b.size();
            if (size > config.maxResponseBytes()) {
                return error("a push carries at most " + config.maxResponseBytes() + " bytes of records");
            }
            try {
                records.add(SignedRecord.parseFrom(b));
            } catch (InvalidProtocolBufferException e) {
                return error("malformed record in a push");
            }
        }
        long stored = records.isEmpty() || closed ? 0
                : ingest(records, from == null ? "push" : from, push.getForward() ? Path.FORWARD : Path.PUSH);
        if (stored > 0 && from != null) {
            passOn(from);
        }
        return SyncResponse.newBuilder().setPush(PushResponse.newBuilder().setStored((int) stored)).build();
    }

    private static SyncResponse error(String message) {
        return SyncResponse.newBuilder().setError(message).build();
    }
}
