package io.colony.simulations;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;

/**
 * The event trace of a run: every line is hashed (SHA-256) and the last {@code keep} lines are kept
 * to explain a violation. Fine-grained events (each record stored at each node) go into a cheap
 * 64-bit rolling hash that is folded into the final hash, so two runs with the same seed must agree
 * on every store event, byte for byte.
 */
public final class Trace {

    private final MessageDigest sha;
    private final Deque<String> recent = new ArrayDeque<>();
    private final int keep;
    private long fine = 0x243F6A8885A308D3L;
    private long lines;

    /** A trace keeping the last {@code keep} lines. */
    public Trace(int keep) {
        this.keep = keep;
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds a line stamped with the virtual time. */
    public void add(long timeMs, String line) {
        String l = timeMs + " " + line;
        sha.update(l.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
        lines++;
        recent.addLast(l);
        if (recent.size() > keep) {
            recent.removeFirst();
        }
    }

    /** Mixes a fine-grained event (a few numbers) into the rolling hash. */
    public void mix(long a, long b, long c) {
        fine = mix64(fine ^ a) * 31 + mix64(b ^ (c << 1));
    }

    /** The last lines, oldest first. */
    public List<String> recent() {
        return new ArrayList<>(recent);
    }

    /** Lines added so far. */
    public long lines() {
        return lines;
    }

    /** Hex SHA-256 of every line and of the rolling hash (does not change the trace). */
    public String hash() {
        try {
            MessageDigest copy = (MessageDigest) sha.clone();
            for (int i = 0; i < 8; i++) {
                copy.update((byte) (fine >>> (8 * i)));
            }
            return HexFormat.of().formatHex(copy.digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
