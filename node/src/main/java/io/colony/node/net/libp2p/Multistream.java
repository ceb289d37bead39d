package io.colony.node.net.libp2p;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * multistream-select 1.0 as a pure, incremental state machine (no I/O): feed it the bytes that
 * arrive, send what it returns. Messages are {@code uvarint(len) || utf8 || '\n'}. One instance
 * negotiates one protocol, either as dialer (proposes a single protocol) or as listener.
 */
final class Multistream {

    /** The multistream-select protocol id, sent first by both sides. */
    static final String PROTOCOL_ID = "/multistream/1.0.0";
    /** Reply of a listener that does not speak the proposed protocol. */
    static final String NA = "na";
    /** Largest message (protocol id + newline) we accept or send. */
    static final int MAX_MESSAGE = 1024;

    /** Result of one {@link #onInput} call. */
    record Step(byte[] output, String selected, byte[] leftover) {
        boolean done() {
            return selected != null;
        }
    }

    private final String proposal;
    private final Predicate<String> supported;
    private byte[] buffer = new byte[0];
    private boolean headerSeen;
    private String selected;

    private Multistream(String proposal, Predicate<String> supported) {
        this.proposal = proposal;
        this.supported = supported;
    }

    /** A dialer that proposes {@code protocol}. */
    static Multistream dialer(String protocol) {
        checkProtocol(protocol);
        return new Multistream(protocol, null);
    }

    /** A listener that accepts the protocols {@code supported} says yes to. */
    static Multistream listener(Predicate<String> supported) {
        return new Multistream(null, supported);
    }

    /** What to send before any input: the header (and, for a dialer, the proposal). */
    byte[] initialOutput() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(encode(PROTOCOL_ID));
        if (proposal != null) {
            out.writeBytes(encode(proposal));
        }
        return out.toByteArray();
    }

    /**
     * Consumes received bytes.
     *
     * @return bytes to send back, and, once negotiation is done, the protocol and any bytes that
     *     followed the final message (they belong to the negotiated protocol)
     * @throws NegotiationException on malformed input, oversize messages or a refused proposal
     */
    Step onInput(byte[] data) throws NegotiationException {
        if (selected != null) {
            return new Step(new byte[0], selected, data);
        }
        byte[] in = concat(buffer, data);
        int pos = 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (selected == null) {
            Varint.Decoded len;
            try {
                len = Varint.decode(in, pos, in.length);
            } catch (IllegalArgumentException e) {
                throw new NegotiationException("malformed multistream length");
            }
            if (len == null) {
                break;
            }
            if (len.value() < 1 || len.value() > MAX_MESSAGE) {
                throw new NegotiationException("multistream message of " + len.value() + " bytes");
            }
            int start = pos + len.length();
            int end = start + (int) len.value();
            if (end > in.length) {
                break;
            }
            if (in[end - 1] != '\n') {
                throw new NegotiationException("multistream message without trailing newline");
            }
            String msg = new String(in, start, end - start - 1, StandardCharsets.UTF_8);
            pos = end;
            handle(msg, out);
        }
        byte[] rest = Arrays.copyOfRange(in, pos, in.length);
        if (selected != null) {
            buffer = new byte[0];
            return new Step(out.toByteArray(), selected, rest);
        }
        if (rest.length > MAX_MESSAGE + Varint.MAX_BYTES) {
            throw new NegotiationException("multistream message too long");
        }
        buffer = rest;
        return new Step(out.toByteArray(), null, new byte[0]);
    }

    private void handle(String msg, ByteArrayOutputStream out) throws NegotiationException {
        if (!headerSeen) {
            if (!PROTOCOL_ID.equals(msg)) {
                throw new NegotiationException("expected " + PROTOCOL_ID + ", got '" + abbreviate(msg) + "'");
            }
            headerSeen = true;
            return;
        }
        if (proposal != null) {
            if (proposal.equals(msg)) {
                selected = msg;
            } else if (NA.equals(msg)) {
                throw new NegotiationException("remote does not support " + proposal, true);
            } else {
                throw new NegotiationException("unexpected multistream reply '" + abbreviate(msg) + "'");
            }
            return;
        }
        if (!NA.equals(msg) && !"ls".equals(msg) && supported.test(msg)) {
            selected = msg;
            out.writeBytes(encode(msg));
        } else {
            out.writeBytes(encode(NA));
        }
    }

    /** Encodes one multistream message. */
    static byte[] encode(String msg) {
        byte[] text = msg.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + 3);
        Varint.write(out, text.length + 1L);
        out.writeBytes(text);
        out.write('\n');
        return out.toByteArray();
    }

    private static void checkProtocol(String protocol) {
        if (protocol == null || protocol.isEmpty() || protocol.indexOf('\n') >= 0
                || protocol.getBytes(StandardCharsets.UTF_8).length >= MAX_MESSAGE) {
            throw new IllegalArgumentException("invalid protocol id '" + protocol + "'");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Negotiation failed; the stream or connection should be closed. */
    static final class NegotiationException extends Exception {
        private final boolean refused;

        NegotiationException(String message) {
            this(message, false);
        }

        NegotiationException(String message, boolean refused) {
            super(message);
            this.refused = refused;
        }

        /** True if the remote answered {@code na} (as opposed to breaking the protocol). */
        boolean refused() {
            return refused;
        }
    }
}
