package io.colony.node.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How the HTTP API is exposed and bounded (config keys {@code api.*}).
 *
 * @param tls            serve HTTPS with a self-signed certificate kept in the data dir ({@code api-tls.crt/.key})
 * @param tlsCert        PEM certificate chain to serve instead (with {@code tlsKey}); null for none
 * @param tlsKey         PEM private key (PKCS#8) of {@code tlsCert}; null for none
 * @param insecure       allow plain HTTP on a non-loopback address
 * @param allowedHosts   extra names accepted in the {@code Host} header
 * @param openMetrics    serve {@code /metrics} without a signature
 * @param maxConnections most open connections; more are closed at once
 * @param readTimeoutMs  a request's headers and body must arrive within this (and a new connection must send one)
 * @param writeRate      signed writes per second per member (token bucket refill)
 * @param writeBurst     token bucket size per member
 */
public record ApiSettings(boolean tls, Path tlsCert, Path tlsKey, boolean insecure, List<String> allowedHosts,
                          boolean openMetrics, int maxConnections, int readTimeoutMs, double writeRate,
                          int writeBurst) {

    /** Default cap on open connections. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /** Default request read timeout. */
    public static final int DEFAULT_READ_TIMEOUT_MS = 10_000;
    /** Default writes per second per member. */
    public static final double DEFAULT_WRITE_RATE = 1000;
    /** Default burst of writes per member. */
    public static final int DEFAULT_WRITE_BURST = 2000;

    /** Checks the values. */
    public ApiSettings {
        allowedHosts = List.copyOf(Objects.requireNonNull(allowedHosts, "allowedHosts"));
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--api-tls-cert and --api-tls-key go together");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("api.max-connections must be >= 1");
        }
        if (readTimeoutMs < 100) {
            throw new IllegalArgumentException("api.read-timeout must be >= 100 ms");
        }
        if (!(writeRate > 0)) {
            throw new IllegalArgumentException("api.write-rate must be > 0");
        }
        if (writeBurst < 1) {
            throw new IllegalArgumentException("api.write-burst must be >= 1");
        }
    }

    /** Plain HTTP (loopback only), every limit at its default. */
    public static ApiSettings defaults() {
        return new ApiSettings(false, null, null, false, List.of(), false, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_READ_TIMEOUT_MS, DEFAULT_WRITE_RATE, DEFAULT_WRITE_BURST);
    }

    /** True if the API serves HTTPS. */
    public boolean tlsOn() {
        return tls || tlsCert != null;
    }

    /** These settings with a self-signed certificate ({@code true}) or plain HTTP. */
    public ApiSettings withTls(boolean on) {
        return new ApiSettings(on, tlsCert, tlsKey, insecure, allowedHosts, openMetrics, maxConnections, readTimeoutMs,
                writeRate, writeBurst);
    }

    /** These settings with a certificate and key from PEM files. */
    public ApiSettings withTlsFiles(Path cert, Path key) {
        return new ApiSettings(tls, cert, key, insecure, allowedHosts, openMetrics, maxConnections, readTimeoutMs,
                writeRate, writeBurst);
    }

    /** These settings allowing plain HTTP beyond loopback or not. */
    public ApiSettings withInsecure(boolean on) {
        return new ApiSettings(tls, tlsCert, tlsKey, on, allowedHosts, openMetrics, maxConnections, readTimeoutMs,
                writeRate, writeBurst);
    }

    /** These settings with other extra allowed {@code Host} names. */
    public ApiSettings withAllowedHosts(List<String> hosts) {
        return new ApiSettings(tls, tlsCert, tlsKey, insecure, hosts, openMetrics, maxConnections, readTimeoutMs,
                writeRate, writeBurst);
    }

    /** These settings with {@code /metrics} open or signed. */
    public ApiSettings withOpenMetrics(boolean on) {
        return new ApiSettings(tls, tlsCert, tlsKey, insecure, allowedHosts, on, maxConnections, readTimeoutMs,
                writeRate, writeBurst);
    }

    /** These settings with other limits. */
    public ApiSettings withLimits(int maxConnections, int readTimeoutMs, double writeRate, int writeBurst) {
        return new ApiSettings(tls, tlsCert, tlsKey, insecure, allowedHosts, openMetrics, maxConnections, readTimeoutMs,
                writeRate, writeBurst);
    }
}
