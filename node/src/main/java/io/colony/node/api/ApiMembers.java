package io.colony.node.api;

import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Hex;
import io.colony.protocol.RecordKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who may use the API, as a function of time: the owner always (as {@link Role#OWNER}); anyone else
 * when, among the owner's Admit and Revoke records naming them stamped at or before t, in (timestamp,
 * record id) order, the last is an Admit not expired at t; its role counts. Fed with the membership
 * records the node's ledger stored, the same set the ledger folds. Thread-safe, and cheap enough to ask
 * on every request.
 */
public final class ApiMembers {

    /** A caller's role. {@code UNSPECIFIED}: an admission that names no role. */
    public enum Role { OWNER, NODE, USER, EXECUTOR, UNSPECIFIED }

    private record Event(long ts, byte[] id, boolean admit, long expiresMs, Role role) {
    }

    private static final Comparator<Event> ORDER = Comparator.comparingLong(Event::ts)
            .thenComparing(Event::id, Arrays::compareUnsigned);

    private final byte[] owner;
    private final Map<String, List<Event>> events = new HashMap<>();

    /** @param ownerKey the colony id (owner's public key) */
    public ApiMembers(byte[] ownerKey) {
        this.owner = ownerKey.clone();
    }

    /** Takes note of a stored record; only owner-signed Admit and Revoke records matter. */
    public void observe(DecodedRecord r) {
        if (!r.kind().isMembership() || !Arrays.equals(r.signer(), owner)) {
            return;
        }
        boolean admit = r.kind() == RecordKind.ADMIT;
        byte[] member = admit ? r.record().getAdmit().getMember().toByteArray()
                : r.record().getRevoke().getMember().toByteArray();
        Role role = admit ? roleOf(r.record().getAdmit().getRoleValue()) : null;
        Event e = new Event(r.timestampMs(), r.id(), admit, admit ? r.record().getAdmit().getExpiresMs() : 0, role);
        synchronized (events) {
            List<Event> list = events.computeIfAbsent(Hex.encode(member), k -> new ArrayList<>(1));
            for (Event x : list) {
                if (Arrays.equals(x.id(), e.id())) {
                    return;
                }
            }
            list.add(e);
            list.sort(ORDER);
        }
    }

    private static Role roleOf(int value) {
        return switch (value) {
            case io.colony.protocol.pb.Role.NODE_VALUE -> Role.NODE;
            case io.colony.protocol.pb.Role.USER_VALUE -> Role.USER;
            case io.colony.protocol.pb.Role.EXECUTOR_VALUE -> Role.EXECUTOR;
            default -> Role.UNSPECIFIED;
        };
    }

    /** The role of {@code key} at {@code atMs}, or empty if it is not a valid member then. */
    public Optional<Role> roleAt(byte[] key, long atMs) {
        if (Arrays.equals(key, owner)) {
            return Optional.of(Role.OWNER);
        }
        Event last = null;
        synchronized (events) {
            List<Event> list = events.get(Hex.encode(key));
            if (list == null) {
                return Optional.empty();
            }
            for (Event e : list) {
                if (e.ts() > atMs) {
                    break;
                }
                last = e;
            }
        }
        if (last == null || !last.admit() || (last.expiresMs() != 0 && atMs >= last.expiresMs())) {
            return Optional.empty();
        }
        return Optional.of(last.role());
    }
}
