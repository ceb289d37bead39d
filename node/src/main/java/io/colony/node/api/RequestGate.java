package io.colony.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.colony.protocol.Hex;
import io.colony.protocol.InvalidInputException;
import io.colony.protocol.RequestSignature;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The checks every request passes before it reaches a route: the {@code Host} header (against DNS
 * rebinding), the request signature (see {@link RequestSignature}: missing, malformed, wrong, stale or
 * replayed is 401), the signer's membership now and its role for the route (403), and the per-member
 * rate of writes (429). {@code GET /api/v1/health} needs no signature, nor {@code /metrics} when the
 * operator opened it. Thread-safe.
 */
final class RequestGate {

    /** Largest difference between a request's timestamp and this node's clock. */
    static final long MAX_SKEW_MS = 30_000;
    /** Most remembered nonces per key within {@link NonceCache#TTL_MS}. */
    static final int MAX_NONCES_PER_KEY = 100_000;
    /** Most remembered nonces overall. */
    static final int MAX_NONCES = 200_000;

    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");

    private final ApiSettings settings;
    private final ApiMembers members;
    private final LongSupplier clock;
    private final Set<String> hosts;
    private final NonceCache nonces = new NonceCache(MAX_NONCES_PER_KEY, MAX_NONCES);
    private final WriteLimiter writes;
    private final ObjectMapper json;

    /**
     * @param bindHost the address the API is bound to (a wildcard adds this machine's addresses)
     */
    RequestGate(ApiSettings settings, ApiMembers members, String bindHost, ObjectMapper json, LongSupplier clock) {
        this.settings = settings;
        this.members = members;
        this.clock = clock;
        this.json = json;
        this.writes = new WriteLimiter(settings.writeRate(), settings.writeBurst());
        this.hosts = allowedHosts(bindHost, settings.allowedHosts());
    }

    /** The {@code Host} names accepted: loopback, the bind address (or all of this machine's for a wildcard), extras. */
    static Set<String> allowedHosts(String bindHost, List<String> extra) {
        Set<String> out = new HashSet<>(List.of("localhost", "127.0.0.1", "::1", "0:0:0:0:0:0:0:1"));
        String bind = normalize(bindHost);
        if (bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("0:0:0:0:0:0:0:0")) {
            try {
                for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                        out.add(normalize(a.getHostAddress().replaceAll("%.*$", "")));
                    }
                }
            } catch (SocketException | NullPointerException e) {
                // no interface list: loopback, the names given and api.allowed-hosts only
            }
        } else {
            out.add(bind);
        }
        for (String h : extra) {
            out.add(normalize(h));
        }
        return out;
    }

    private static String normalize(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** The host part of a {@code Host} header (no port, no brackets), lower case. */
    static String hostOf(String header) {
        String h = header.strip();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? normalize(h) : normalize(h.substring(0, end + 1));
        }
        int colon = h.indexOf(':');
        if (colon >= 0 && colon == h.lastIndexOf(':')) {
            h = h.substring(0, colon);
        }
        return normalize(h);
    }

    /**
     * Checks one request.
     *
     * @param headerOf header values by name (null when absent)
     * @throws ApiError 421 foreign host, 401 signature, 403 membership or role, 429 write rate
     */
    void check(String method, String uri, java.util.function.Function<String, String> headerOf, byte[] body) {
        String host = headerOf.apply("Host");
        if (host == null || host.isBlank()) {
            throw new ApiError(421, "a Host header is required", null);
        }
        String name = hostOf(host);
        boolean loopback = name.startsWith("127.") && name.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        if (!loopback && !hosts.contains(name)) {
            throw new ApiError(421, "this node does not serve host '" + shorten(name) + "' (add it to api.allowed-hosts)",
                    null);
        }
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (method.equals("GET") && stripSlashes(path).equals(ApiRoutes.PREFIX + "/health")) {
            return;
        }
        if (settings.openMetrics() && (path.equals(ApiRoutes.METRICS_PATH) || path.equals(ApiRoutes.PREFIX
                + ApiRoutes.METRICS_PATH))) {
            return;
        }
        String keyHex = required(headerOf, RequestSignature.KEY);
        String tsText = required(headerOf, RequestSignature.TIMESTAMP);
        String nonce = required(headerOf, RequestSignature.NONCE);
        String sigHex = required(headerOf, RequestSignature.SIGNATURE);
        if (keyHex.length() != 64 || !HEX.matcher(keyHex).matches()) {
            throw ApiError.unauthorized(RequestSignature.KEY + " must be 64 hex characters");
        }
        if (!DIGITS.matcher(tsText).matches()) {
            throw ApiError.unauthorized(RequestSignature.TIMESTAMP + " must be milliseconds since the epoch");
        }
        if (nonce.length() != 2 * RequestSignature.NONCE_BYTES || !HEX.matcher(nonce).matches()) {
            throw ApiError.unauthorized(RequestSignature.NONCE + " must be 32 hex characters");
        }
        if (sigHex.length() != 128 || !HEX.matcher(sigHex).matches()) {
            throw ApiError.unauthorized(RequestSignature.SIGNATURE + " must be 128 hex characters");
        }
        long ts = Long.parseLong(tsText);
        long now = clock.getAsLong();
        if (Math.abs(now - ts) > MAX_SKEW_MS) {
            throw ApiError.unauthorized("request timestamp is " + Math.abs(now - ts) / 1000 + " s "
                    + (ts < now ? "old" : "ahead of this node's clock") + " (at most " + MAX_SKEW_MS / 1000
                    + " s allowed; check the clock)");
        }
        byte[] key;
        byte[] sig;
        try {
            key = Hex.decode(keyHex, 32, RequestSignature.KEY);
            sig = Hex.decode(sigHex, 64, RequestSignature.SIGNATURE);
        } catch (InvalidInputException e) {
            throw ApiError.unauthorized(e.getMessage());
        }
        if (!RequestSignature.verify(key, sig, method, uri, ts, nonce, body)) {
            throw ApiError.unauthorized("bad request signature (it must cover the method, the path and query as"
                    + " sent, the timestamp, the nonce and the body's sha256)");
        }
        Optional<ApiMembers.Role> role = members.roleAt(key, now);
        if (role.isEmpty()) {
            throw ApiError.forbidden("key " + keyHex.substring(0, 16) + "... is not a member of this colony");
        }
        boolean assign = method.equals("POST") && stripSlashes(path).equals(ApiRoutes.PREFIX + "/executors/assign");
        if (assign) {
            ApiMembers.Role r = role.get();
            if (r != ApiMembers.Role.OWNER && r != ApiMembers.Role.NODE && r != ApiMembers.Role.EXECUTOR) {
                throw ApiError.forbidden("only executors and nodes may ask for work; this key's role is "
                        + r.name().toLowerCase(Locale.ROOT));
            }
            String executor = r == ApiMembers.Role.EXECUTOR ? executorIdOf(body) : null;
            if (executor != null && !executor.equalsIgnoreCase(keyHex)) {
                throw ApiError.forbidden("executorid must be the key that signs the request");
            }
        }
        switch (nonces.add(keyHex.toLowerCase(Locale.ROOT), nonce.toLowerCase(Locale.ROOT), now)) {
            case REPLAY -> throw ApiError.unauthorized("replayed request: this nonce was already used");
            case FULL -> throw ApiError.tooManyRequests("too many requests in the last minute, retry later", 1);
            default -> { }
        }
        if (!method.equals("GET") && !assign) {
            long waitMs = writes.take(keyHex.toLowerCase(Locale.ROOT), now);
            if (waitMs > 0) {
                throw ApiError.tooManyRequests("too many writes from this member (at most " + fmt(settings.writeRate())
                        + " per second), retry later", (waitMs + 999) / 1000);
            }
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private String executorIdOf(byte[] body) {
        try {
            JsonNode n = body == null || body.length == 0 ? null : json.readTree(body);
            JsonNode id = n == null ? null : n.get("executorid");
            return id != null && id.isTextual() ? id.asText() : null;
        } catch (IOException e) {
            return null; // the route answers malformed JSON with 400
        }
    }

    private static String stripSlashes(String path) {
        String p = path;
        while (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        return p.replaceAll("/{2,}", "/");
    }

    private static String required(java.util.function.Function<String, String> headerOf, String name) {
        String v = headerOf.apply(name);
        if (v == null || v.isBlank()) {
            throw ApiError.unauthorized("unsigned request: the " + name + " header is missing (sign requests with"
                    + " Colony-Key, Colony-Timestamp, Colony-Nonce, Colony-Signature; see 'colony api sign')");
        }
        return v.strip();
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
