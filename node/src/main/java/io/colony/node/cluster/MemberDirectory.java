package io.colony.node.cluster;

import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Hex;
import io.colony.protocol.RecordKind;
import io.colony.protocol.pb.SignedRecord;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thread-safe view of who belongs to the colony, for the network's fast paths (connection gate,
 * gossip validation). It is fed with the Admit and Revoke records the ledger stored (they are
 * owner-signed and verified by then); the ledger stays the authority for every record it applies.
 */
public final class MemberDirectory {

    private final byte[] owner;
    private final Map<String, Long> admittedUntil = new ConcurrentHashMap<>();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final List<Consumer<byte[]>> revocationListeners = new CopyOnWriteArrayList<>();

    public MemberDirectory(byte[] ownerKey) {
        this.owner = ownerKey.clone();
    }

    /** Takes note of a stored record (only Admit and Revoke matter). */
    public void observe(DecodedRecord r) {
        if (r.kind() == RecordKind.ADMIT) {
            var a = r.record().getAdmit();
            long until = a.getExpiresMs() <= 0 ? Long.MAX_VALUE : a.getExpiresMs();
            admittedUntil.merge(Hex.encode(a.getMember().toByteArray()), until, Math::max);
        } else if (r.kind() == RecordKind.REVOKE) {
            byte[] key = r.record().getRevoke().getMember().toByteArray();
            if (revoked.add(Hex.encode(key)) && !isOwner(key)) {
                for (Consumer<byte[]> l : revocationListeners) {
                    l.accept(key.clone());
                }
            }
        }
    }

    /**
     * Called (on the thread that observes the record, right away) with the key of every member
     * newly revoked; the network drops that key's connections there.
     */
    public void addRevocationListener(Consumer<byte[]> listener) {
        revocationListeners.add(listener);
    }

    /** Takes note of stored membership records. */
    public void observeAll(Iterable<SignedRecord> membership) {
        for (SignedRecord s : membership) {
            observe(io.colony.protocol.Records.decode(s));
        }
    }

    public boolean isOwner(byte[] key) {
        return Arrays.equals(owner, key);
    }

    /** The owner, or admitted (not expired) and not revoked. */
    public boolean isMember(byte[] key, long nowMs) {
        if (isOwner(key)) {
            return true;
        }
        String k = Hex.encode(key);
        Long until = admittedUntil.get(k);
        return until != null && until > nowMs && !revoked.contains(k);
    }

    public boolean isRevoked(byte[] key) {
        return !isOwner(key) && revoked.contains(Hex.encode(key));
    }

    /** Number of admitted keys (revoked ones included). */
    public int admittedCount() {
        return admittedUntil.size();
    }
}
