package io.colony.node.ledger;

import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Hex;
import io.colony.protocol.RecordKind;
import io.colony.protocol.pb.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may sign records, as a function of time. The owner (whose key is the colony id) always may;
 * anyone else may sign at time t iff, among the Admit/Revoke records naming them with timestamp &lt;= t
 * in (timestamp, id) order, the last is an Admit whose expiry (if any) is after t. That Admit's role is
 * the member's role at t, and {@link #may} says which record kinds the role may sign (the roles table
 * of the README's security model). Order-independent.
 */
final class Membership {
    /** A member key, interned: compare with {@code ==}. */
    static final class Member {
        final byte[] key;
        final String id;
        private final List<long[]> events = new ArrayList<>(1); // {ts, idA, idB, admit?1:0, expires, role, voter?1:0}

        Member(byte[] key) {
            this.key = key;
            this.id = Hex.encode(key);
        }
    }

    private static final Comparator<long[]> ORDER = Comparator.<long[]>comparingLong(e -> e[0])
            .thenComparing((x, y) -> Long.compareUnsigned(x[1], y[1]))
            .thenComparing((x, y) -> Long.compareUnsigned(x[2], y[2]));

    private final Member owner;
    private final Map<IdKey, Member> members = new HashMap<>();
    /** Timestamp of the earliest Admit naming a voter, or Long.MAX_VALUE while none is known. */
    private long firstVoterAdmitTs = Long.MAX_VALUE;

    Membership(byte[] ownerKey) {
        this.owner = new Member(ownerKey.clone());
        members.put(IdKey.of(ownerKey), owner);
    }

    Member owner() {
        return owner;
    }

    /** The interned member for a key, or null if the key was never named by a membership record. */
    Member find(byte[] key) {
        return members.get(IdKey.of(key));
    }

    /**
     * How long before its timestamp a Revoke already takes effect: {@value} ms, the window within which
     * a node takes a client's record ({@link Ledger#CLIENT_WINDOW_MS}). A revoked key's holder can stamp
     * a record up to that long before the revocation and have a node that has not learnt of it yet
     * accept it; such records count nowhere. A record stamped earlier was taken by a node before the
     * revocation was signed (within the window of that node's clock), so it is history.
     */
    static final long REVOKE_LEAD_MS = Ledger.CLIENT_WINDOW_MS;

    /**
     * True if {@code m} may sign at {@code ts}: admitted then, not expired, and not revoked at or within
     * {@link #REVOKE_LEAD_MS} after {@code ts}.
     */
    boolean valid(Member m, long ts) {
        if (m == owner) {
            return true;
        }
        if (m == null) {
            return false;
        }
        long[] last = null;
        for (long[] e : m.events) {
            if (e[0] > ts) {
                if (e[3] == 0 && e[0] - ts <= REVOKE_LEAD_MS) {
                    return false;
                }
                continue;
            }
            last = e;
        }
        return last != null && last[3] == 1 && (last[4] == 0 || ts < last[4]);
    }

    /**
     * The role of {@code m} at {@code ts} ({@code Role} number), {@link #OWNER_ROLE} for the owner, or
     * -1 if {@code m} is not a valid member then.
     */
    int roleAt(Member m, long ts) {
        if (m == owner) {
            return OWNER_ROLE;
        }
        if (!valid(m, ts)) {
            return -1;
        }
        return (int) lastAt(m, ts)[5];
    }

    /** Role number standing for the colony owner in {@link #roleAt}. */
    static final int OWNER_ROLE = Integer.MAX_VALUE;

    /**
     * True if {@code m} is a valid member at {@code ts} whose role may sign records of {@code kind}
     * at all. Rules that depend on the process (only the holder of an attempt renews or closes it,
     * only the submitter cancels) are the fold's.
     */
    boolean may(Member m, RecordKind kind, long ts) {
        int role = roleAt(m, ts);
        if (role == OWNER_ROLE) {
            return true;
        }
        return role >= 0 && roleMay(role, kind);
    }

    /** The roles table: which roles (owner aside) may sign which kinds. */
    static boolean roleMay(int role, RecordKind kind) {
        boolean user = role == Role.USER_VALUE;
        boolean node = role == Role.NODE_VALUE;
        boolean executor = role == Role.EXECUTOR_VALUE;
        return switch (kind) {
            case SUBMIT, SUBMIT_WORKFLOW -> user || node;
            case CANCEL, CRON_ADD, GENERATOR_ADD, GENERATOR_PACK, TRIGGER_REMOVE -> user;
            case CLAIM, RENEW, CLOSE, FAIL, LOG -> node || executor;
            case ADMIT, REVOKE -> false;
        };
    }

    /** Lower-case name of a role number, for messages. */
    static String roleName(int role) {
        if (role == OWNER_ROLE) {
            return "owner";
        }
        Role r = Role.forNumber(role);
        return r == null || r == Role.ROLE_UNSPECIFIED ? "unspecified" : r.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** True if an Admit of {@code m} is known (whatever its time), or {@code m} is the owner. */
    boolean everAdmitted(Member m) {
        if (m == owner) {
            return true;
        }
        if (m == null) {
            return false;
        }
        for (long[] e : m.events) {
            if (e[3] == 1) {
                return true;
            }
        }
        return false;
    }

    /** Adds an owner-signed Admit or Revoke (the caller checked the signer). */
    void add(DecodedRecord r) {
        boolean admit = r.kind() == RecordKind.ADMIT;
        byte[] key = admit ? r.record().getAdmit().getMember().toByteArray()
                : r.record().getRevoke().getMember().toByteArray();
        IdKey k = IdKey.of(key);
        Member m = members.computeIfAbsent(k, x -> new Member(key));
        if (m == owner) {
            return;
        }
        IdKey rid = IdKey.of(r.id());
        long expires = admit ? r.record().getAdmit().getExpiresMs() : 0;
        long role = admit ? r.record().getAdmit().getRoleValue() : 0;
        long voter = admit && r.record().getAdmit().getVoter() ? 1 : 0;
        m.events.add(new long[] {r.timestampMs(), rid.a(), rid.b(), admit ? 1 : 0, expires, role, voter});
        m.events.sort(ORDER);
        if (voter == 1 && r.timestampMs() < firstVoterAdmitTs) {
            firstVoterAdmitTs = r.timestampMs();
        }
    }

    /**
     * The voters at {@code ts}: the NODE members valid at {@code ts} whose Admit in force names them
     * voter. While no Admit stamped at or before {@code ts} ever named a voter, every NODE member valid
     * at {@code ts} votes (colonies from before voters existed, and a dev colony's single node). Once a
     * voter was named, only named voters count, even if none is valid any more (then nothing can be
     * acknowledged until the owner admits one): falling back then could let two majorities exist.
     */
    List<byte[]> votersAt(long ts) {
        boolean named = firstVoterAdmitTs <= ts;
        List<byte[]> out = new ArrayList<>();
        for (Member m : members.values()) {
            if (m == owner || !valid(m, ts)) {
                continue;
            }
            long[] last = lastAt(m, ts);
            if (last[5] == Role.NODE_VALUE && (!named || last[6] == 1)) {
                out.add(m.key);
            }
        }
        return out;
    }

    /** True if {@code m} is a voter at {@code ts} (see {@link #votersAt}). */
    boolean isVoterAt(Member m, long ts) {
        if (m == null || m == owner || !valid(m, ts)) {
            return false;
        }
        long[] last = lastAt(m, ts);
        return last[5] == Role.NODE_VALUE && (firstVoterAdmitTs > ts || last[6] == 1);
    }

    /** Keys admitted as nodes and valid at {@code ts} (the owner not included), in no particular order. */
    List<byte[]> nodesAt(long ts) {
        List<byte[]> out = new ArrayList<>();
        for (Member m : members.values()) {
            if (m != owner && valid(m, ts) && lastAt(m, ts)[5] == io.colony.protocol.pb.Role.NODE_VALUE) {
                out.add(m.key);
            }
        }
        return out;
    }

    private static long[] lastAt(Member m, long ts) {
        long[] last = null;
        for (long[] e : m.events) {
            if (e[0] > ts) {
                break;
            }
            last = e;
        }
        return last;
    }

    /** Number of known keys (owner included). */
    int size() {
        return members.size();
    }
}
