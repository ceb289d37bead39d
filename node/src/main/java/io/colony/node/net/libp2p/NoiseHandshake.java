package io.colony.node.net.libp2p;

import com.google.protobuf.InvalidProtocolBufferException;
import io.colony.node.net.libp2p.NoiseCipher.NoiseException;
import io.colony.node.net.libp2p.pb.KeyType;
import io.colony.node.net.libp2p.pb.NoiseHandshakePayload;
import io.colony.node.net.libp2p.pb.PublicKey;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The libp2p Noise handshake, {@code Noise_XX_25519_ChaChaPoly_SHA256}, as a pure state machine:
 * <pre>
 *   -> e
 *   <- e, ee, s, es   (payload: responder's identity key + signature)
 *   -> s, se          (payload: initiator's identity key + signature)
 * </pre>
 * Each payload proves that the libp2p identity key owns the Noise static key by signing
 * {@code "noise-libp2p-static-key:" || static public key}. Not thread safe; one per connection.
 */
final class NoiseHandshake {

    /** Protocol id negotiated with multistream-select. */
    static final String PROTOCOL_ID = "/noise";
    /** Largest Noise message (the 2-byte length prefix). */
    static final int MAX_MESSAGE = 65535;
    private static final byte[] PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIG_PREFIX = "noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = new byte[0];
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int DH = 32;

    /** A host's long-lived Noise static key and the signed payload that binds it to the identity. */
    static final class StaticIdentity {
        final byte[] privateKey = new byte[DH];
        final byte[] publicKey = new byte[DH];
        final byte[] payload;

        StaticIdentity(Ed25519KeyPair identity) {
            X25519.generatePrivateKey(RANDOM, privateKey);
            X25519.generatePublicKey(privateKey, 0, publicKey, 0);
            byte[] sig = identity.sign(concat(SIG_PREFIX, publicKey));
            payload = NoiseHandshakePayload.newBuilder()
                    .setIdentityKey(ByteString.copyFrom(PeerId.encodeEd25519PublicKey(identity.publicKey())))
                    .setIdentitySig(ByteString.copyFrom(sig))
                    .build().toByteArray();
        }
    }

    /** The two transport ciphers after the handshake. */
    record Session(NoiseCipher sender, NoiseCipher receiver, byte[] remoteIdentityKey) {
    }

    private final boolean initiator;
    private final StaticIdentity local;
    private final byte[] ePriv = new byte[DH];
    private final byte[] ePub = new byte[DH];
    private byte[] h;
    private byte[] ck;
    private NoiseCipher cipher;
    private byte[] re;
    private byte[] rs;
    private byte[] remoteIdentityKey;
    private Step step = Step.MESSAGE_1;

    /** The XX message to write or read next, or done (then {@link #split()}). */
    private enum Step { MESSAGE_1, MESSAGE_2, MESSAGE_3, DONE }

    NoiseHandshake(boolean initiator, StaticIdentity local) {
        this.initiator = initiator;
        this.local = local;
        this.h = PROTOCOL_NAME.clone();
        this.ck = h.clone();
        mixHash(EMPTY);
        X25519.generatePrivateKey(RANDOM, ePriv);
        X25519.generatePublicKey(ePriv, 0, ePub, 0);
    }

    /** Initiator, message 1: {@code e}. */
    byte[] writeMessage1() {
        expect(true, Step.MESSAGE_1);
        mixHash(ePub);
        mixHash(EMPTY);
        return ePub.clone();
    }

    /** Responder, message 1. */
    void readMessage1(byte[] msg) throws NoiseException {
        expect(false, Step.MESSAGE_1);
        if (msg.length < DH) {
            throw new NoiseException("noise message 1 too short");
        }
        re = Arrays.copyOf(msg, DH);
        mixHash(re);
        mixHash(Arrays.copyOfRange(msg, DH, msg.length));
    }

    /** Responder, message 2: {@code e, ee, s, es} + payload. */
    byte[] writeMessage2() throws NoiseException {
        expect(false, Step.MESSAGE_2);
        mixHash(ePub);
        mixKey(dh(ePriv, re));
        byte[] s = encryptAndHash(local.publicKey);
        mixKey(dh(local.privateKey, re));
        byte[] payload = encryptAndHash(local.payload);
        return concat(concat(ePub, s), payload);
    }

    /** Initiator, message 2; returns the responder's verified protobuf-encoded identity key. */
    byte[] readMessage2(byte[] msg) throws NoiseException {
        expect(true, Step.MESSAGE_2);
        if (msg.length < DH + DH + NoiseCipher.TAG + NoiseCipher.TAG) {
            throw new NoiseException("noise message 2 too short");
        }
        re = Arrays.copyOf(msg, DH);
        mixHash(re);
        mixKey(dh(ePriv, re));
        rs = decryptAndHash(msg, DH, DH + NoiseCipher.TAG);
        mixKey(dh(ePriv, rs));
        byte[] payload = decryptAndHash(msg, DH + DH + NoiseCipher.TAG, msg.length - DH - DH - NoiseCipher.TAG);
        remoteIdentityKey = verifyPayload(payload, rs);
        return remoteIdentityKey;
    }

    /** Initiator, message 3: {@code s, se} + payload. */
    byte[] writeMessage3() throws NoiseException {
        expect(true, Step.MESSAGE_3);
        byte[] s = encryptAndHash(local.publicKey);
        mixKey(dh(local.privateKey, re));
        byte[] payload = encryptAndHash(local.payload);
        return concat(s, payload);
    }

    /** Responder, message 3; returns the initiator's verified protobuf-encoded identity key. */
    byte[] readMessage3(byte[] msg) throws NoiseException {
        expect(false, Step.MESSAGE_3);
        if (msg.length < DH + NoiseCipher.TAG + NoiseCipher.TAG) {
            throw new NoiseException("noise message 3 too short");
        }
        rs = decryptAndHash(msg, 0, DH + NoiseCipher.TAG);
        mixKey(dh(ePriv, rs));
        byte[] payload = decryptAndHash(msg, DH + NoiseCipher.TAG, msg.length - DH - NoiseCipher.TAG);
        remoteIdentityKey = verifyPayload(payload, rs);
        return remoteIdentityKey;
    }

    /** After the three messages: the transport ciphers. */
    Session split() {
        if (step != Step.DONE) {
            throw new IllegalStateException("handshake not finished");
        }
        byte[][] keys = hkdf(ck, EMPTY);
        NoiseCipher c1 = new NoiseCipher(keys[0]);
        NoiseCipher c2 = new NoiseCipher(keys[1]);
        return initiator ? new Session(c1, c2, remoteIdentityKey) : new Session(c2, c1, remoteIdentityKey);
    }

    /** The handshake hash (channel binding); equal on both sides after a successful handshake. */
    byte[] handshakeHash() {
        return h.clone();
    }

    private void expect(boolean asInitiator, Step atStep) {
        if (initiator != asInitiator || step != atStep) {
            throw new IllegalStateException("noise handshake step out of order");
        }
        step = Step.values()[step.ordinal() + 1];
    }

    private static byte[] verifyPayload(byte[] payload, byte[] remoteStatic) throws NoiseException {
        NoiseHandshakePayload p;
        PublicKey key;
        try {
            p = NoiseHandshakePayload.parseFrom(payload);
            key = PublicKey.parseFrom(p.getIdentityKey());
        } catch (InvalidProtocolBufferException e) {
            throw new NoiseException("malformed noise handshake payload");
        }
        if (key.getType() != KeyType.Ed25519 || key.getData().size() != 32) {
            throw new NoiseException("remote identity key is not Ed25519");
        }
        byte[] pub = key.getData().toByteArray();
        if (!Ed25519KeyPair.verify(pub, concat(SIG_PREFIX, remoteStatic), p.getIdentitySig().toByteArray())) {
            throw new NoiseException("bad noise static key signature");
        }
        return PeerId.encodeEd25519PublicKey(pub);
    }

    private static byte[] dh(byte[] priv, byte[] pub) throws NoiseException {
        byte[] out = new byte[DH];
        if (!X25519.calculateAgreement(priv, 0, pub, 0, out, 0)) {
            throw new NoiseException("degenerate X25519 public key");
        }
        return out;
    }

    private void mixHash(byte[] data) {
        h = Crypto.sha256(h, data);
    }

    private void mixKey(byte[] ikm) {
        byte[][] out = hkdf(ck, ikm);
        ck = out[0];
        cipher = new NoiseCipher(out[1]);
    }

    private byte[] encryptAndHash(byte[] plaintext) {
        byte[] c = cipher == null ? plaintext.clone() : cipher.encrypt(h, plaintext, 0, plaintext.length);
        mixHash(c);
        return c;
    }

    private byte[] decryptAndHash(byte[] msg, int offset, int length) throws NoiseException {
        byte[] c = Arrays.copyOfRange(msg, offset, offset + length);
        byte[] p = cipher == null ? c : cipher.decrypt(h, c, 0, c.length);
        mixHash(c);
        return p;
    }

    private static byte[][] hkdf(byte[] chainingKey, byte[] ikm) {
        byte[] tempKey = Crypto.hmacSha256(chainingKey, ikm);
        byte[] out1 = Crypto.hmacSha256(tempKey, new byte[] {1});
        byte[] out2 = Crypto.hmacSha256(tempKey, out1, new byte[] {2});
        return new byte[][] {out1, out2};
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
