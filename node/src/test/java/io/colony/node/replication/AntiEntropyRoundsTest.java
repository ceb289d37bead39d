package io.colony.node.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.LedgerConfig;
import io.colony.node.net.memory.InMemoryHub;
import io.colony.node.net.memory.InMemoryNetwork;
import io.colony.node.pb.PushRequest;
import io.colony.node.pb.SyncRequest;
import io.colony.node.pb.SyncResponse;
import io.colony.node.replication.ReplicationConfig.Path;
import io.colony.node.store.MemoryRecordStore;
import io.colony.node.time.VirtualScheduler;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.Ids;
import io.colony.protocol.Records;
import io.colony.protocol.SpecCodec;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The rules of a push-pull anti-entropy round, one test each, on virtual time over the in-memory
 * network. Records are stored without gossip and the round timer is an hour, so only the rounds a
 * test starts move records.
 */
class AntiEntropyRoundsTest {

    private static final long START = 1_700_000_000_000L;
    private final VirtualScheduler scheduler = new VirtualScheduler(START);
    private final InMemoryHub hub = new InMemoryHub(scheduler, 3);
    private final Identity owner = Identity.fromSeed(seed("owner"));
    private final byte[] colony = owner.publicKey();
    private final Map<String, Member> members = new HashMap<>();
    private ReplicationConfig config = ReplicationConfig.defaults().withSyncIntervalMs(3_600_000);
    private int nonces;

    /** One node: network, ledger and replicator, all on the test thread. */
    private final class Member {
        final Identity identity;
        final InMemoryNetwork net;
        final DigestedRecordStore store = new DigestedRecordStore(new MemoryRecordStore());
        final Ledger ledger = new Ledger(colony, LedgerConfig.defaults(), store);
        final Replicator replicator;

        Member(String name, Set<String> untrusted) {
            identity = Identity.fromSeed(seed(name));
            net = hub.createNode(name, identity.publicKey());
            LedgerSyncSource source = new LedgerSyncSource(ledger, store, scheduler::now, r -> { });
            replicator = new Replicator(net, colony, Runnable::run, scheduler, source,
                    key -> ledger.isOwner(key) || ledger.isMember(key, scheduler.now()),
                    peer -> !untrusted.contains(peer), config, name.hashCode());
        }

        Set<String> ids() {
            Set<String> out = new HashSet<>();
            store.forEach(r -> out.add(Ids.text(Records.recordId(r))));
            return out;
        }

        /** Stores records of its own without gossiping them. */
        List<SignedRecord> createQuietly(int n) {
            List<SignedRecord> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                SignedRecord r = submit(identity);
                assertTrue(ledger.apply(r, scheduler.now()).allStored());
                out.add(r);
            }
            return out;
        }
    }

    private static byte[] seed(String label) {
        return Records.sha256(("rounds/" + label).getBytes(StandardCharsets.UTF_8));
    }

    private SignedRecord submit(Identity by) {
        FunctionSpec spec = SpecCodec.parse("{\"conditions\":{\"executortype\":\"cli\"},\"funcname\":\"echo\","
                + "\"args\":[\"" + nonces + "\"]}");
        byte[] nonce = java.util.Arrays.copyOf(seed("nonce-" + nonces++), Records.NONCE_BYTES);
        return Records.sign(by, Records.submit(colony, scheduler.now(), spec, nonce));
    }

    /** Members admitted everywhere, started, connected as given (pairs of names); no records exchanged yet. */
    private void colony(List<String> names, Set<String> untrusted, String... links) {
        List<SignedRecord> admits = new ArrayList<>();
        for (String n : names) {
            Member m = new Member(n, untrusted);
            members.put(n, m);
            admits.add(Records.sign(owner, Records.admit(colony, START - 60_000, m.identity.publicKey(), Role.NODE,
                    n, 0)));
        }
        for (Member m : members.values()) {
            for (SignedRecord a : admits) {
                assertTrue(m.ledger.apply(a, scheduler.now()).allStored());
            }
            m.net.start();
            m.replicator.start();
        }
        for (int i = 0; i < links.length; i += 2) {
            members.get(links[i]).net.connect(members.get(links[i + 1]).net.listenAddresses().get(0));
        }
        settle(); // the rounds on connecting find equal digests
    }

    /** Runs 30 virtual seconds, and fails (rather than spins) if rounds keep starting one another. */
    private void settle() {
        long first = scheduler.executed();
        boolean stopped = scheduler.runUntil(scheduler.now() + 30_000,
                () -> scheduler.executed() - first > MAX_EVENTS_PER_SETTLE);
        assertFalse(stopped, "more than " + MAX_EVENTS_PER_SETTLE + " events in 30 s: rounds start one another");
    }

    private static final long MAX_EVENTS_PER_SETTLE = 100_000;

    private static Set<String> idsOf(List<SignedRecord> records) {
        Set<String> out = new HashSet<>();
        records.forEach(r -> out.add(Ids.text(Records.recordId(r))));
        return out;
    }

    private Member m(String name) {
        return members.get(name);
    }

    @Test
    void aRoundPullsWhatThisNodeLacksAndPushesWhatThePeerLacks() {
        colony(List.of("a", "b"), Set.of(), "a", "b");
        Set<String> ofA = idsOf(m("a").createQuietly(5));
        Set<String> ofB = idsOf(m("b").createQuietly(5));

        m("a").replicator.pullFrom("b");
        settle();

        assertTrue(m("a").ids().containsAll(ofB), "pulled");
        assertTrue(m("b").ids().containsAll(ofA), "pushed: b started no round");
        assertEquals(5L, m("b").replicator.storedByPath().get(Path.PUSH));
        assertEquals(5L, m("a").replicator.storedByPath().get(Path.PULL));
    }

    @Test
    void newsLearnedInARoundIsPassedOnToAnotherPeer() {
        // b - a - c: c is not connected to b and starts no round
        colony(List.of("a", "b", "c"), Set.of(), "a", "b", "a", "c");
        Set<String> news = idsOf(m("b").createQuietly(5));

        m("a").replicator.pullFrom("b");
        settle();

        assertTrue(m("c").ids().containsAll(news), "a passed on what it pulled");
        assertEquals(5L, m("c").replicator.storedByPath().get(Path.FORWARD));
    }

    @Test
    void aNodePushedNewsPassesItOn() {
        // b - a - c: b pushes to a in b's round; only a can bring it to c
        colony(List.of("a", "b", "c"), Set.of(), "b", "a", "a", "c");
        Set<String> news = idsOf(m("b").createQuietly(5));

        m("b").replicator.pullFrom("a");
        settle();

        assertTrue(m("a").ids().containsAll(news));
        assertTrue(m("c").ids().containsAll(news), "a passed on what b pushed to it");
    }

    @Test
    void roundsFollowAtOnceWhileBucketsAreLeftOver() {
        config = config.withRounds(1, 3); // one bucket per round
        colony(List.of("a", "b"), Set.of(), "a", "b");
        Set<String> ofA = idsOf(m("a").createQuietly(30));
        assertTrue(ofA.stream().map(id -> id.substring(0, 2)).distinct().count() > 10, "many buckets");

        m("b").replicator.pullFrom("a");
        settle();

        assertTrue(m("b").ids().containsAll(ofA), "one round per bucket until the digests agreed");
        assertTrue(m("b").replicator.syncRounds() > 10);
    }

    @Test
    void aRoundWithoutNewsStartsNoOther() {
        colony(List.of("a", "b", "c"), Set.of(), "a", "b", "a", "c", "b", "c");
        long before = m("a").replicator.syncRounds() + m("b").replicator.syncRounds()
                + m("c").replicator.syncRounds();

        m("a").replicator.pullFrom("b");
        settle();

        long after = m("a").replicator.syncRounds() + m("b").replicator.syncRounds() + m("c").replicator.syncRounds();
        assertEquals(before + 1, after, "the digests agreed: one round, nothing passed on");
        assertEquals(0, m("a").replicator.progressRounds());
        assertTrue(m("a").replicator.caughtUp());
    }

    // ------------------------------------------------------------ what an attacker may push

    private SyncResponse push(Member to, List<ByteString> records) {
        byte[] req = SyncRequest.newBuilder().setPush(PushRequest.newBuilder().addAllRecords(records)).build()
                .toByteArray();
        return to.replicator.serve(req);
    }

    @Test
    void aPushOverTheRecordCapIsRefusedWhole() {
        config = new ReplicationConfig(3_600_000, 16_384, 4, 1 << 20, 5_000, 30_000, 256, 3, null);
        colony(List.of("a", "b"), Set.of());
        List<ByteString> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(submit(m("b").identity).toByteString());
        }
        int before = m("a").ids().size();

        SyncResponse r = push(m("a"), five);

        assertEquals(SyncResponse.KindCase.ERROR, r.getKindCase());
        assertTrue(r.getError().contains("at most 4 records"), r.getError());
        assertEquals(before, m("a").ids().size());
    }

    @Test
    void aPushOverTheByteCapIsRefusedWhole() {
        config = new ReplicationConfig(3_600_000, 16_384, 512, 2_000, 5_000, 30_000, 256, 3, null);
        colony(List.of("a", "b"), Set.of());
        List<ByteString> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add(submit(m("b").identity).toByteString());
        }
        int before = m("a").ids().size();

        SyncResponse r = push(m("a"), many);

        assertEquals(SyncResponse.KindCase.ERROR, r.getKindCase());
        assertEquals(before, m("a").ids().size());
    }

    @Test
    void forgedTamperedAndMalformedPushedRecordsAreNotStored() {
        colony(List.of("a", "b"), Set.of());
        Identity rogue = Identity.fromSeed(seed("rogue"));
        SignedRecord byRogue = submit(rogue);
        SignedRecord genuine = submit(m("b").identity);
        byte[] sig = genuine.getSignature().toByteArray();
        sig[0] ^= 1;
        SignedRecord tampered = genuine.toBuilder().setSignature(ByteString.copyFrom(sig)).build();
        int before = m("a").ids().size();

        SyncResponse r = push(m("a"), List.of(byRogue.toByteString(), tampered.toByteString()));
        assertEquals(SyncResponse.KindCase.PUSH, r.getKindCase());
        assertEquals(0, r.getPush().getStored());

        SyncResponse junk = push(m("a"), List.of(ByteString.copyFromUtf8("not a record")));
        assertEquals(SyncResponse.KindCase.ERROR, junk.getKindCase());
        assertEquals(before, m("a").ids().size());
        assertFalse(m("a").ids().contains(Ids.text(Records.recordId(genuine))));
    }

    @Test
    void aPeerThatHasNotProvenItsMembershipCannotPush() {
        colony(List.of("a", "rogue"), Set.of("rogue"), "rogue", "a");
        SignedRecord r = submit(m("rogue").identity); // signed by an admitted key, sent before proof
        int before = m("a").ids().size();
        byte[] req = SyncRequest.newBuilder().setPush(PushRequest.newBuilder().addRecords(r.toByteString())).build()
                .toByteArray();

        byte[][] answer = new byte[1][];
        m("rogue").net.request("a", Replicator.SYNC_PROTOCOL, req, Duration.ofSeconds(5))
                .thenAccept(b -> answer[0] = b);
        settle();

        assertEquals(Replicator.NOT_TRUSTED, parse(answer[0]).getError());
        assertEquals(before, m("a").ids().size());
    }

    private static SyncResponse parse(byte[] b) {
        try {
            return SyncResponse.parseFrom(b);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
