package io.colony.node.cluster;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.colony.protocol.Hex;
import io.colony.protocol.Identity;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Record;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * What a new member needs to join a colony, as one line of text: its own key, the owner's signed
 * Admit of that key, and where to find the colony. Made by the owner ({@code colony member invite});
 * consumed by {@code colony node start --join}. It is a secret: it carries a private key.
 *
 * @param colony the colony id (owner public key)
 * @param member the new member's identity
 * @param admit the owner's Admit record for {@code member}
 * @param bootstrap multiaddrs to join through (may be empty: then given on the command line)
 */
public record JoinToken(byte[] colony, Identity member, SignedRecord admit, List<String> bootstrap) {

    /** Text prefix of every token. */
    public static final String PREFIX = "colony-join-v1:";
    private static final int MAX_TOKEN_CHARS = 64 * 1024;

    public JoinToken {
        colony = colony.clone();
        bootstrap = List.copyOf(bootstrap);
    }

    /** The owner admits a fresh key with {@code role} and {@code name}; the token carries both. */
    public static JoinToken invite(Identity owner, Role role, String name, long nowMs, long expiresMs,
            List<String> bootstrap) {
        Identity member = Identity.generate();
        byte[] colony = owner.publicKey();
        SignedRecord admit = Records.sign(owner, Records.admit(colony, nowMs, member.publicKey(), role, name, expiresMs));
        return new JoinToken(colony, member, admit, bootstrap);
    }

    /** The one-line text form. */
    public String encode() {
        io.colony.node.pb.JoinToken pb = io.colony.node.pb.JoinToken.newBuilder()
                .setColony(ByteString.copyFrom(colony))
                .setMemberSeed(ByteString.copyFrom(Hex.decode(member.privateKeyHex(), 32, "private key")))
                .setAdmit(admit.toByteString())
                .addAllBootstrap(bootstrap)
                .build();
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(pb.toByteArray());
    }

    /**
     * Parses and checks a token: well formed, and its Admit is signed by the colony owner and admits
     * the token's key.
     *
     * @throws IllegalArgumentException with a readable message otherwise
     */
    public static JoinToken decode(String text) {
        String t = text == null ? "" : text.trim();
        if (!t.startsWith(PREFIX) || t.length() > MAX_TOKEN_CHARS) {
            throw new IllegalArgumentException("not a join token (it starts with " + PREFIX + ")");
        }
        io.colony.node.pb.JoinToken pb;
        SignedRecord admit;
        try {
            pb = io.colony.node.pb.JoinToken.parseFrom(Base64.getUrlDecoder().decode(t.substring(PREFIX.length())));
            admit = SignedRecord.parseFrom(pb.getAdmit());
        } catch (IllegalArgumentException | InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("join token is corrupt (copy it whole)");
        }
        if (pb.getColony().size() != 32 || pb.getMemberSeed().size() != 32) {
            throw new IllegalArgumentException("join token is corrupt (bad key sizes)");
        }
        Identity member = Identity.fromSeed(pb.getMemberSeed().toByteArray());
        byte[] colony = pb.getColony().toByteArray();
        if (!Arrays.equals(admit.getSigner().toByteArray(), colony) || !Records.verify(admit)) {
            throw new IllegalArgumentException("join token's admission is not signed by the colony owner");
        }
        Record body;
        try {
            body = Record.parseFrom(admit.getBody());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("join token is corrupt (admission)");
        }
        if (!body.hasAdmit() || !Arrays.equals(body.getAdmit().getMember().toByteArray(), member.publicKey())
                || !Arrays.equals(body.getColony().toByteArray(), colony)) {
            throw new IllegalArgumentException("join token's admission is for another key or colony");
        }
        return new JoinToken(colony, member, admit, pb.getBootstrapList());
    }
}
