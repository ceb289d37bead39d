package io.colony.node.net.gossip;

import com.google.protobuf.ByteString;
import io.colony.node.net.PeerNetwork.MessageValidator;
import io.colony.node.net.PeerNetwork.Validation;
import io.colony.node.net.libp2p.pb.ControlGraft;
import io.colony.node.net.libp2p.pb.ControlIHave;
import io.colony.node.net.libp2p.pb.ControlIWant;
import io.colony.node.net.libp2p.pb.ControlMessage;
import io.colony.node.net.libp2p.pb.ControlPrune;
import io.colony.node.net.libp2p.pb.Message;
import io.colony.node.net.libp2p.pb.PeerInfo;
import io.colony.node.net.libp2p.pb.RPC;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gossipsub v1.1 router as a pure, deterministic state machine: no threads, no I/O, no wall clock.
 * Time comes from an injected {@link Clock}, randomness from an injected {@link Random}; outputs go
 * to a {@link GossipOutbox}. With the same inputs and seed it produces the same sends.
 *
 * <p>Messages are signed (StrictSign): {@code from} + 8-byte big-endian monotonic {@code seqno} +
 * signature over {@code "libp2p-pubsub:" || Message} without {@code signature} and {@code key}. The
 * message id is {@code from || seqno}. Scoring covers P4 (invalid messages) and P7 (GRAFT during
 * backoff, broken IWANT promises) with gossip / publish / graylist thresholds.
 *
 * <p>Not thread-safe: the owner serialises all calls.
 */
public final class GossipRouter {

    /** Protocol id of gossipsub v1.1. */
    public static final String PROTOCOL_V11 = "/meshsub/1.1.0";
    /** Protocol id of gossipsub v1.0, also answered. */
    public static final String PROTOCOL_V10 = "/meshsub/1.0.0";

    private static final Logger log = LoggerFactory.getLogger(GossipRouter.class);
    /** Longest message id we ask for: ours are a peer id (at most ~42 bytes) plus 8. */
    private static final int MAX_MESSAGE_ID_LENGTH = 128;
    private static final long MAX_BACKOFF_SECONDS = 24 * 3600L;
    private static final byte[] SIGN_PREFIX = "libp2p-pubsub:".getBytes(StandardCharsets.US_ASCII);

    private static final class PeerState {
        final boolean outbound;
        final Set<String> topics = new LinkedHashSet<>();
        int ihaveMessages;
        int ihaveIdsAsked;
        int iwantReplies;

        PeerState(boolean outbound) {
            this.outbound = outbound;
        }
    }

    private final String self;
    private final ByteString selfBytes;
    private final GossipConfig config;
    private final Clock clock;
    private final Random random;
    private final MessageSigner signer;
    private final GossipOutbox outbox;
    private final PeerScore score;
    private final SeenCache seen;
    private final MessageCache mcache;
    private final OutgoingRpcs out;

    private final Map<String, PeerState> peers = new LinkedHashMap<>();
    private final Map<String, Set<String>> topicPeers = new LinkedHashMap<>();
    private final Map<String, MessageValidator> subscriptions = new LinkedHashMap<>();
    private final Map<String, Set<String>> mesh = new LinkedHashMap<>();
    private final Map<String, Set<String>> fanout = new LinkedHashMap<>();
    private final Map<String, Long> fanoutLastPublish = new LinkedHashMap<>();
    private final Backoffs backoffs = new Backoffs();
    private final Promises promises = new Promises();
    private long seqno;

    /**
     * @param self this peer's id (text form)
     * @param signer signs our messages and verifies others'; names peers in binary form
     */
    public GossipRouter(String self, GossipConfig config, Clock clock, Random random, MessageSigner signer,
            GossipOutbox outbox) {
        this.self = self;
        this.selfBytes = signer.encodePeerId(self);
        this.config = config;
        this.clock = clock;
        this.random = random;
        this.signer = signer;
        this.outbox = outbox;
        this.score = new PeerScore(config);
        this.seen = new SeenCache(config.seenTtlMillis);
        this.mcache = new MessageCache(config.mcacheLength, config.mcacheGossip);
        this.out = new OutgoingRpcs(config.maxMessageSize + 128 * 1024);
        // monotonic across restarts as long as the clock moves forward
        this.seqno = Math.max(0, clock.nowMillis()) << 20;
    }

    public String selfId() {
        return self;
    }

    public GossipConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ peers

    /** A peer speaking gossipsub connected; we tell it our subscriptions. */
    public void addPeer(String peer, boolean outbound) {
        if (peer.equals(self) || peers.containsKey(peer)) {
            return;
        }
        peers.put(peer, new PeerState(outbound));
        score.connected(peer);
        for (String topic : subscriptions.keySet()) {
            out.subscription(peer, topic, true);
        }
        out.flush(outbox);
    }

    /** Tells a known peer our subscriptions once more. */
    public void announceSubscriptions(String peer) {
        if (!peers.containsKey(peer)) {
            return;
        }
        for (String topic : subscriptions.keySet()) {
            out.subscription(peer, topic, true);
        }
        out.flush(outbox);
    }

    public void removePeer(String peer) {
        PeerState ps = peers.remove(peer);
        if (ps == null) {
            return;
        }
        for (String topic : ps.topics) {
            removeFrom(topicPeers, topic, peer);
        }
        for (Set<String> m : mesh.values()) {
            m.remove(peer);
        }
        for (Set<String> f : fanout.values()) {
            f.remove(peer);
        }
        score.disconnected(peer, clock.nowMillis());
    }

    // ----------------------------------------------------------- local API

    /** Joins a topic; the validator decides on every message before delivery or forwarding. */
    public void subscribe(String topic, MessageValidator validator) {
        checkTopic(topic);
        if (subscriptions.put(topic, validator) != null) {
            return;
        }
        for (String peer : peers.keySet()) {
            out.subscription(peer, topic, true);
        }
        long now = clock.nowMillis();
        Set<String> members = new LinkedHashSet<>();
        Set<String> fromFanout = fanout.remove(topic);
        fanoutLastPublish.remove(topic);
        if (fromFanout != null) {
            for (String p : fromFanout) {
                if (score.score(p) >= 0 && !inBackoff(topic, p, now)) {
                    members.add(p);
                }
            }
        }
        if (members.size() < config.d) {
            members.addAll(pick(candidates(topic, members, now), config.d - members.size()));
        }
        mesh.put(topic, members);
        for (String p : members) {
            out.graft(p, topic);
        }
        out.flush(outbox);
    }

    /** Leaves a topic: announces it and prunes the mesh. */
    public void unsubscribe(String topic) {
        if (subscriptions.remove(topic) == null) {
            return;
        }
        for (String peer : peers.keySet()) {
            out.subscription(peer, topic, false);
        }
        Set<String> members = mesh.remove(topic);
        long now = clock.nowMillis();
        if (members != null) {
            for (String p : members) {
                prune(p, topic, config.unsubscribeBackoffMillis, true, now);
            }
        }
        out.flush(outbox);
    }

    public boolean isSubscribed(String topic) {
        return subscriptions.containsKey(topic);
    }

    /**
     * Signs and publishes a message. Returns the number of peers it was sent to directly.
     *
     * @throws IllegalArgumentException if the data or topic exceed the configured bounds
     */
    public int publish(String topic, byte[] data) {
        checkTopic(topic);
        if (data.length > config.maxMessageSize) {
            throw new IllegalArgumentException(
                    "message of " + data.length + " bytes exceeds the limit of " + config.maxMessageSize);
        }
        long now = clock.nowMillis();
        Message unsigned = Message.newBuilder()
                .setFrom(selfBytes)
                .setData(ByteString.copyFrom(data))
                .setSeqno(seqnoBytes(++seqno))
                .setTopic(topic)
                .build();
        Message message = unsigned.toBuilder().setSignature(signer.sign(signedPayload(unsigned))).build();
        ByteString id = messageId(message);
        seen.add(id, now);
        mcache.put(id, message);

        Collection<String> targets;
        if (config.floodPublish) {
            targets = new ArrayList<>();
            for (String p : topicPeers.getOrDefault(topic, Set.of())) {
                if (score.score(p) >= config.publishThreshold) {
                    targets.add(p);
                }
            }
        } else if (subscriptions.containsKey(topic)) {
            targets = mesh.getOrDefault(topic, Set.of());
        } else {
            targets = fanoutPeers(topic, now);
        }
        for (String p : targets) {
            out.message(p, message);
        }
        out.flush(outbox);
        return targets.size();
    }

    private Set<String> fanoutPeers(String topic, long now) {
        Set<String> f = fanout.get(topic);
        if (f == null || f.isEmpty()) {
            f = new LinkedHashSet<>();
            for (String p : pick(topicPeers.getOrDefault(topic, Set.of()), Integer.MAX_VALUE)) {
                if (f.size() < config.d && score.score(p) >= config.publishThreshold) {
                    f.add(p);
                }
            }
            fanout.put(topic, f);
        }
        fanoutLastPublish.put(topic, now);
        return f;
    }

    // --------------------------------------------------------- remote input

    /** Processes one RPC received from a connected peer. */
    public void handleRpc(String peer, RPC rpc) {
        PeerState ps = peers.get(peer);
        if (ps == null || score.score(peer) < config.graylistThreshold) {
            return;
        }
        for (RPC.SubOpts sub : rpc.getSubscriptionsList()) {
            handleSubscription(peer, ps, sub);
        }
        for (Message m : rpc.getPublishList()) {
            handleMessage(peer, m);
        }
        if (rpc.hasControl()) {
            handleControl(peer, ps, rpc.getControl());
        }
        out.flush(outbox);
    }

    private void handleSubscription(String peer, PeerState ps, RPC.SubOpts sub) {
        String topic = sub.getTopicid();
        if (topic.isEmpty() || topic.length() > config.maxTopicLength) {
            return;
        }
        if (sub.getSubscribe()) {
            if (ps.topics.size() < config.maxTopicsPerPeer && ps.topics.add(topic)) {
                topicPeers.computeIfAbsent(topic, t -> new LinkedHashSet<>()).add(peer);
            }
        } else if (ps.topics.remove(topic)) {
            removeFrom(topicPeers, topic, peer);
            leaveMesh(topic, peer);
            removeFrom(fanout, topic, peer);
        }
    }

    private void handleMessage(String peer, Message m) {
        String topic = m.getTopic();
        MessageValidator validator = subscriptions.get(topic);
        if (validator == null) {
            return; // not ours: neither delivered nor forwarded
        }
        if (m.getData().size() > config.maxMessageSize || !m.hasFrom() || m.getSeqno().size() != 8
                || !m.hasSignature()) {
            invalid(peer, "malformed or unsigned message");
            return;
        }
        ByteString id = messageId(m);
        if (seen.contains(id)) {
            promises.fulfil(id);
            return;
        }
        String author = signer.decodePeerId(m.getFrom());
        if (author == null || !signer.verify(m.getFrom(), signedPayload(m), m.getSignature())) {
            invalid(peer, "bad signature");
            return;
        }
        seen.add(id, clock.nowMillis());
        promises.fulfil(id);
        if (author.equals(self)) {
            return;
        }
        byte[] data = m.getData().toByteArray();
        Validation verdict;
        try {
            verdict = validator.validate(author, data);
        } catch (RuntimeException e) {
            log.warn("validator of topic {} failed; ignoring the message", topic, e);
            verdict = Validation.IGNORE;
        }
        if (verdict == Validation.REJECT) {
            invalid(peer, "rejected by validator");
            return;
        }
        if (verdict != Validation.ACCEPT) {
            return;
        }
        mcache.put(id, m);
        for (String p : mesh.getOrDefault(topic, Set.of())) {
            if (!p.equals(peer) && !p.equals(author)) {
                out.message(p, m);
            }
        }
        outbox.deliver(topic, author, peer, data);
    }

    private void invalid(String peer, String why) {
        log.debug("invalid message from {}: {}", peer, why);
        score.invalidMessage(peer);
    }

    private void handleControl(String peer, PeerState ps, ControlMessage control) {
        long now = clock.nowMillis();
        boolean gossipOk = score.score(peer) >= config.gossipThreshold;
        if (gossipOk) {
            for (ControlIHave ihave : control.getIhaveList()) {
                handleIHave(peer, ps, ihave, now);
            }
            handleIWant(peer, ps, control.getIwantList());
        }
        for (ControlGraft graft : control.getGraftList()) {
            handleGraft(peer, ps, graft.getTopicID(), now);
        }
        for (ControlPrune prune : control.getPruneList()) {
            handlePrune(peer, prune, now);
        }
    }

    private void handleIHave(String peer, PeerState ps, ControlIHave ihave, long now) {
        if (++ps.ihaveMessages > config.maxIHaveMessages || !subscriptions.containsKey(ihave.getTopicID())) {
            return;
        }
        List<ByteString> wanted = new ArrayList<>();
        for (ByteString id : ihave.getMessageIDsList()) {
            if (ps.ihaveIdsAsked >= config.maxIHaveLength) {
                break;
            }
            if (id.size() <= MAX_MESSAGE_ID_LENGTH && !seen.contains(id) && !promises.pending(id)) {
                wanted.add(id);
                ps.ihaveIdsAsked++;
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        Collections.shuffle(wanted, random);
        ByteString tracked = wanted.get(0);
        promises.add(tracked, peer, now + config.iwantFollowupMillis);
        out.iwant(peer, ControlIWant.newBuilder().addAllMessageIDs(wanted).build());
    }

    private void handleIWant(String peer, PeerState ps, List<ControlIWant> iwants) {
        for (ControlIWant iwant : iwants) {
            for (ByteString id : iwant.getMessageIDsList()) {
                if (ps.iwantReplies >= config.maxIWantReplies) {
                    return;
                }
                Message m = mcache.getForPeer(id, peer, config.gossipRetransmission);
                if (m != null) {
                    ps.iwantReplies++;
                    out.message(peer, m);
                }
            }
        }
    }

    private void handleGraft(String peer, PeerState ps, String topic, long now) {
        Set<String> members = mesh.get(topic);
        if (members == null) {
            out.prune(peer, pruneMessage(topic, peer, config.pruneBackoffMillis, false));
            return;
        }
        if (members.contains(peer)) {
            return;
        }
        if (inBackoff(topic, peer, now)) {
            log.debug("GRAFT from {} during backoff on {}", peer, topic);
            score.behaviourPenalty(peer, 1);
            prune(peer, topic, config.pruneBackoffMillis, false, now);
            return;
        }
        if (score.score(peer) < 0) {
            prune(peer, topic, config.pruneBackoffMillis, false, now);
            return;
        }
        if (members.size() >= config.dHi && !ps.outbound) {
            prune(peer, topic, config.pruneBackoffMillis, true, now);
            return;
        }
        if (ps.topics.add(topic)) {
            topicPeers.computeIfAbsent(topic, t -> new LinkedHashSet<>()).add(peer);
        }
        members.add(peer);
    }

    private void handlePrune(String peer, ControlPrune prune, long now) {
        String topic = prune.getTopicID();
        leaveMesh(topic, peer);
        long seconds = prune.getBackoff(); // uint64 on the wire: may read as negative
        long backoffMillis = !prune.hasBackoff() ? config.pruneBackoffMillis
                : (seconds < 0 || seconds > MAX_BACKOFF_SECONDS ? MAX_BACKOFF_SECONDS : seconds) * 1000;
        // one heartbeat of slack so we never GRAFT right at the edge of the remote's backoff
        backoffs.add(topic, peer, now + backoffMillis + config.heartbeatMillis);
        if (prune.getPeersCount() > 0 && score.score(peer) >= config.acceptPxThreshold) {
            List<String> suggested = new ArrayList<>();
            for (PeerInfo info : prune.getPeersList()) {
                if (suggested.size() >= config.prunePeers) {
                    break;
                }
                String id = signer.decodePeerId(info.getPeerID());
                if (id != null && !id.equals(self) && !peers.containsKey(id)) {
                    suggested.add(id);
                }
            }
            if (!suggested.isEmpty()) {
                outbox.peerExchange(peer, topic, suggested);
            }
        }
    }

    // ------------------------------------------------------------ heartbeat

    /** Runs one heartbeat: score decay, mesh maintenance, fanout expiry, gossip emission. */
    public void heartbeat() {
        long now = clock.nowMillis();
        score.decay(now);
        penaliseBrokenPromises(now);
        for (PeerState ps : peers.values()) {
            ps.ihaveMessages = 0;
            ps.ihaveIdsAsked = 0;
            ps.iwantReplies = 0;
        }
        backoffs.expire(now);
        for (Map.Entry<String, Set<String>> e : mesh.entrySet()) {
            maintainMesh(e.getKey(), e.getValue(), now);
            emitGossip(e.getKey(), e.getValue());
        }
        Iterator<Map.Entry<String, Set<String>>> it = fanout.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Set<String>> e = it.next();
            String topic = e.getKey();
            if (fanoutLastPublish.getOrDefault(topic, 0L) + config.fanoutTtlMillis <= now) {
                it.remove();
                fanoutLastPublish.remove(topic);
                continue;
            }
            Set<String> f = e.getValue();
            Set<String> subscribed = topicPeers.getOrDefault(topic, Set.of());
            f.removeIf(p -> !subscribed.contains(p) || score.score(p) < config.publishThreshold);
            if (f.size() < config.d) {
                for (String p : pick(subscribed, Integer.MAX_VALUE)) {
                    if (f.size() >= config.d) {
                        break;
                    }
                    if (score.score(p) >= config.publishThreshold) {
                        f.add(p);
                    }
                }
            }
            emitGossip(topic, f);
        }
        mcache.shift();
        seen.prune(now);
        out.flush(outbox);
    }

    private void maintainMesh(String topic, Set<String> members, long now) {
        Iterator<String> it = members.iterator();
        while (it.hasNext()) {
            String p = it.next();
            if (score.score(p) < 0) {
                it.remove();
                prune(p, topic, config.pruneBackoffMillis, false, now);
            }
        }
        if (members.size() < config.dLo) {
            for (String p : pick(candidates(topic, members, now), config.d - members.size())) {
                members.add(p);
                out.graft(p, topic);
            }
        }
        if (members.size() > config.dHi) {
            shrinkMesh(topic, members, now);
        }
        int outbound = countOutbound(members);
        if (members.size() >= config.dLo && outbound < config.dOut) {
            List<String> extra = new ArrayList<>();
            for (String p : candidates(topic, members, now)) {
                if (peers.get(p).outbound) {
                    extra.add(p);
                }
            }
            for (String p : pick(extra, config.dOut - outbound)) {
                members.add(p);
                out.graft(p, topic);
            }
        }
    }

    /** Keeps the D_score best peers, then random ones up to D while honouring the D_out quota. */
    private void shrinkMesh(String topic, Set<String> members, long now) {
        List<String> shuffled = pick(members, Integer.MAX_VALUE);
        List<String> byScore = new ArrayList<>(shuffled);
        byScore.sort(Comparator.comparingDouble((String p) -> score.score(p)).reversed());
        Set<String> keep = new LinkedHashSet<>(byScore.subList(0, config.dScore));
        int outbound = countOutbound(keep);
        for (String p : shuffled) {
            if (keep.size() >= config.d || outbound >= config.dOut) {
                break;
            }
            if (peers.get(p).outbound && keep.add(p)) {
                outbound++;
            }
        }
        for (String p : shuffled) {
            if (keep.size() >= config.d) {
                break;
            }
            keep.add(p);
        }
        for (String p : shuffled) {
            if (!keep.contains(p)) {
                members.remove(p);
                prune(p, topic, config.pruneBackoffMillis, true, now);
            }
        }
    }

    private int countOutbound(Collection<String> members) {
        int n = 0;
        for (String p : members) {
            PeerState ps = peers.get(p);
            if (ps != null && ps.outbound) {
                n++;
            }
        }
        return n;
    }

    private void emitGossip(String topic, Set<String> exclude) {
        List<ByteString> ids = mcache.gossipIds(topic);
        if (ids.isEmpty()) {
            return;
        }
        if (ids.size() > config.maxIHaveLength) {
            Collections.shuffle(ids, random);
            ids = ids.subList(0, config.maxIHaveLength);
        }
        List<String> eligible = new ArrayList<>();
        for (String p : topicPeers.getOrDefault(topic, Set.of())) {
            if (!exclude.contains(p) && score.score(p) >= config.gossipThreshold) {
                eligible.add(p);
            }
        }
        int target = Math.max(config.dLazy, (int) (config.gossipFactor * eligible.size()));
        ControlIHave ihave = ControlIHave.newBuilder().setTopicID(topic).addAllMessageIDs(ids).build();
        for (String p : pick(eligible, target)) {
            out.ihave(p, ihave);
        }
    }

    private void penaliseBrokenPromises(long now) {
        promises.expire(now, peer -> {
            if (peers.containsKey(peer)) {
                log.debug("{} broke an IWANT promise", peer);
                score.behaviourPenalty(peer, 1);
            }
        });
    }

    // -------------------------------------------------------------- helpers

    private void prune(String peer, String topic, long backoffMillis, boolean px, long now) {
        backoffs.add(topic, peer, now + backoffMillis);
        out.prune(peer, pruneMessage(topic, peer, backoffMillis, px));
    }

    private ControlPrune pruneMessage(String topic, String target, long backoffMillis, boolean px) {
        ControlPrune.Builder b = ControlPrune.newBuilder().setTopicID(topic).setBackoff(backoffMillis / 1000);
        if (px && config.prunePeers > 0) {
            List<String> others = new ArrayList<>();
            for (String p : topicPeers.getOrDefault(topic, Set.of())) {
                if (!p.equals(target) && score.score(p) >= 0) {
                    others.add(p);
                }
            }
            for (String p : pick(others, config.prunePeers)) {
                b.addPeers(PeerInfo.newBuilder().setPeerID(signer.encodePeerId(p)));
            }
        }
        return b.build();
    }

    /** Peers of a topic we may graft: not yet in the mesh, not backed off, non-negative score. */
    private List<String> candidates(String topic, Set<String> exclude, long now) {
        List<String> result = new ArrayList<>();
        for (String p : topicPeers.getOrDefault(topic, Set.of())) {
            if (!exclude.contains(p) && !inBackoff(topic, p, now) && score.score(p) >= 0) {
                result.add(p);
            }
        }
        return result;
    }

    /** Up to {@code n} elements in random order (deterministic for the seed). */
    private List<String> pick(Collection<String> from, int n) {
        List<String> list = new ArrayList<>(from);
        Collections.shuffle(list, random);
        return list.size() > n ? list.subList(0, n) : list;
    }

    private boolean inBackoff(String topic, String peer, long now) {
        return backoffs.active(topic, peer, now);
    }

    /** Removes a peer from a topic's mesh; the (possibly empty) mesh stays while we are subscribed. */
    private void leaveMesh(String topic, String peer) {
        Set<String> members = mesh.get(topic);
        if (members != null) {
            members.remove(peer);
        }
    }

    private static void removeFrom(Map<String, Set<String>> map, String topic, String peer) {
        Set<String> set = map.get(topic);
        if (set != null && set.remove(peer) && set.isEmpty()) {
            map.remove(topic);
        }
    }

    private void checkTopic(String topic) {
        if (topic == null || topic.isEmpty() || topic.length() > config.maxTopicLength) {
            throw new IllegalArgumentException("topic must have 1 to " + config.maxTopicLength + " characters");
        }
    }

    /** The bytes a StrictSign signature covers. */
    static byte[] signedPayload(Message m) {
        byte[] body = m.toBuilder().clearSignature().clearKey().build().toByteArray();
        byte[] payload = new byte[SIGN_PREFIX.length + body.length];
        System.arraycopy(SIGN_PREFIX, 0, payload, 0, SIGN_PREFIX.length);
        System.arraycopy(body, 0, payload, SIGN_PREFIX.length, body.length);
        return payload;
    }

    /** The default message id: {@code from || seqno}. */
    public static ByteString messageId(Message m) {
        return m.getFrom().concat(m.getSeqno());
    }

    private static ByteString seqnoBytes(long n) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) n;
            n >>>= 8;
        }
        return ByteString.copyFrom(b);
    }

    // -------------------------------------------------------- introspection

    /** Connected gossip peers. */
    public Set<String> peers() {
        return Collections.unmodifiableSet(peers.keySet());
    }

    /** Our mesh peers of a topic (empty if not subscribed), in a deterministic order. */
    public Set<String> meshPeers(String topic) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(mesh.getOrDefault(topic, Set.of())));
    }

    /** Connected peers known to be subscribed to a topic, in a deterministic order. */
    public Set<String> topicPeers(String topic) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(topicPeers.getOrDefault(topic, Set.of())));
    }

    /** The current score of a peer (0 if unknown). */
    public double score(String peer) {
        return score.score(peer);
    }

    /** Number of message ids in the seen cache. */
    public int seenCount() {
        return seen.size();
    }
}
