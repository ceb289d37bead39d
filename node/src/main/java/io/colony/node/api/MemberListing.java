package io.colony.node.api;

import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Hex;
import io.colony.protocol.MemberView;
import io.colony.protocol.RecordKind;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The members of a colony, folded from its owner-signed Admit and Revoke records (for {@code GET /members}). */
public final class MemberListing {

    private MemberListing() {
    }

    /**
     * The owner first, then every key an Admit named, oldest admission first.
     *
     * @param colony  the colony id (owner key)
     * @param records the stored membership records (others than the owner's are skipped)
     * @param nowMs   the time {@code valid} is computed for
     */
    public static List<MemberView> of(byte[] colony, List<SignedRecord> records, long nowMs) {
        List<DecodedRecord> decoded = new ArrayList<>();
        for (SignedRecord s : records) {
            DecodedRecord d = Records.decode(s);
            if (Arrays.equals(d.signer(), colony) && d.kind().isMembership()) {
                decoded.add(d);
            }
        }
        decoded.sort(Comparator.comparingLong(DecodedRecord::timestampMs).thenComparing(DecodedRecord::idText));
        Map<String, long[]> times = new LinkedHashMap<>(); // admitted, revoked, expires
        Map<String, String[]> names = new LinkedHashMap<>(); // name, role
        Map<String, List<DecodedRecord>> byMember = new LinkedHashMap<>();
        for (DecodedRecord d : decoded) {
            boolean admit = d.kind() == RecordKind.ADMIT;
            String id = Hex.encode(admit ? d.record().getAdmit().getMember().toByteArray()
                    : d.record().getRevoke().getMember().toByteArray());
            if (id.equals(Hex.encode(colony))) {
                continue;
            }
            byMember.computeIfAbsent(id, k -> new ArrayList<>()).add(d);
            long[] t = times.computeIfAbsent(id, k -> new long[3]);
            if (admit) {
                t[0] = d.timestampMs();
                t[1] = 0;
                t[2] = d.record().getAdmit().getExpiresMs();
                names.put(id, new String[] {d.record().getAdmit().getName(), roleName(d.record().getAdmit().getRole())});
            } else if (t[0] > 0) {
                t[1] = d.timestampMs();
            }
        }
        List<MemberView> out = new ArrayList<>();
        out.add(new MemberView(Hex.encode(colony), "", "owner", 0, 0, 0, true));
        for (Map.Entry<String, long[]> e : times.entrySet()) {
            String[] n = names.get(e.getKey());
            if (n == null) {
                continue; // revoked, never admitted
            }
            long[] t = e.getValue();
            out.add(new MemberView(e.getKey(), n[0], n[1], t[0], t[1], t[2], valid(byMember.get(e.getKey()), nowMs)));
        }
        return out;
    }

    /** The ledger's rule: the last Admit/Revoke stamped at or before now decides, and an Admit may expire. */
    private static boolean valid(List<DecodedRecord> events, long nowMs) {
        DecodedRecord last = null;
        for (DecodedRecord d : events) {
            if (d.timestampMs() <= nowMs) {
                last = d;
            }
        }
        if (last == null || last.kind() != RecordKind.ADMIT) {
            return false;
        }
        long exp = last.record().getAdmit().getExpiresMs();
        return exp == 0 || nowMs < exp;
    }

    private static String roleName(Role role) {
        return role == Role.UNRECOGNIZED ? "unknown" : role.name().toLowerCase(Locale.ROOT).replace("role_", "");
    }
}
