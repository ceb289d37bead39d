package io.colony.cli;

import io.colony.node.api.ApiSettings;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import picocli.CommandLine.Option;

/** The node's HTTP API exposure and limits: TLS, allowed Host names, open metrics, connection and write limits. */
final class ApiOptions {

    @Option(names = "--api-tls", description = {"Serve the API over HTTPS with a self-signed certificate made once in",
            "the data dir (api-tls.crt, api-tls.key); its SHA-256 fingerprint is printed at start."})
    boolean tls;
    @Option(names = "--api-tls-cert", paramLabel = "FILE", description = "Serve HTTPS with this PEM certificate (chain).")
    Path tlsCert;
    @Option(names = "--api-tls-key", paramLabel = "FILE", description = "The PEM (PKCS#8) private key of --api-tls-cert.")
    Path tlsKey;
    @Option(names = "--insecure-api", description = "Allow plain HTTP on a non-loopback --api-host (a trusted network only).")
    boolean insecure;
    @Option(names = "--api-allowed-hosts", paramLabel = "NAMES", split = ",",
            description = "Host header names accepted besides loopback and --api-host (comma-separated).")
    List<String> allowedHosts;
    @Option(names = "--api-open-metrics", description = "Serve /metrics without a request signature (for a Prometheus scraper).")
    boolean openMetrics;
    @Option(names = "--api-max-connections", paramLabel = "N", defaultValue = "" + ApiSettings.DEFAULT_MAX_CONNECTIONS,
            description = "Most open API connections (default ${DEFAULT-VALUE}).")
    int maxConnections = ApiSettings.DEFAULT_MAX_CONNECTIONS;
    @Option(names = "--api-read-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "A request's headers and body must arrive within this (default ${DEFAULT-VALUE}).")
    String readTimeout = "10s";
    @Option(names = "--api-write-rate", paramLabel = "N", defaultValue = "" + (int) ApiSettings.DEFAULT_WRITE_RATE,
            description = "Signed writes per second per member (default ${DEFAULT-VALUE}); beyond: 429 with Retry-After.")
    double writeRate = ApiSettings.DEFAULT_WRITE_RATE;
    @Option(names = "--api-write-burst", paramLabel = "N", defaultValue = "" + ApiSettings.DEFAULT_WRITE_BURST,
            description = "Writes a member may make at once before the rate applies (default ${DEFAULT-VALUE}).")
    int writeBurst = ApiSettings.DEFAULT_WRITE_BURST;

    /** Takes values from the environment or config file for the flags not given. */
    void fill(NodeSettings s, Predicate<String> flagGiven) {
        s.override(NodeSettings.Key.API_TLS, flagGiven, ApiOptions::bool).ifPresent(v -> tls = v);
        s.override(NodeSettings.Key.API_TLS_CERT, flagGiven, Path::of).ifPresent(v -> tlsCert = v);
        s.override(NodeSettings.Key.API_TLS_KEY, flagGiven, Path::of).ifPresent(v -> tlsKey = v);
        s.override(NodeSettings.Key.API_INSECURE, flagGiven, ApiOptions::bool).ifPresent(v -> insecure = v);
        s.override(NodeSettings.Key.API_ALLOWED_HOSTS, flagGiven, t -> Arrays.stream(t.split(",")).map(String::strip)
                .filter(x -> !x.isEmpty()).toList()).ifPresent(v -> allowedHosts = v);
        s.override(NodeSettings.Key.API_OPEN_METRICS, flagGiven, ApiOptions::bool).ifPresent(v -> openMetrics = v);
        s.override(NodeSettings.Key.API_MAX_CONNECTIONS, flagGiven, NodeSettings.intIn(1, 1_000_000))
                .ifPresent(v -> maxConnections = v);
        s.override(NodeSettings.Key.API_READ_TIMEOUT, flagGiven, t -> {
            long ms = millis(t);
            if (ms < 100 || ms > 3_600_000) {
                throw new IllegalArgumentException("must be 100ms..1h");
            }
            return t;
        }).ifPresent(v -> readTimeout = v);
        s.override(NodeSettings.Key.API_WRITE_RATE, flagGiven, t -> {
            double d = Double.parseDouble(t);
            if (!(d > 0)) {
                throw new IllegalArgumentException("must be > 0");
            }
            return d;
        }).ifPresent(v -> writeRate = v);
        s.override(NodeSettings.Key.API_WRITE_BURST, flagGiven, NodeSettings.intIn(1, 1_000_000))
                .ifPresent(v -> writeBurst = v);
    }

    private static long millis(String t) {
        try {
            return new DurationConverter().convert(t).toMillis();
        } catch (picocli.CommandLine.TypeConversionException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static boolean bool(String t) {
        return switch (t.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    /** The settings these options make. */
    ApiSettings settings() {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--api-tls-cert and --api-tls-key go together");
        }
        long timeoutMs;
        try {
            timeoutMs = millis(readTimeout);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--api-read-timeout: " + e.getMessage());
        }
        try {
            return ApiSettings.defaults().withTls(tls).withTlsFiles(tlsCert, tlsKey).withInsecure(insecure)
                    .withAllowedHosts(allowedHosts == null ? List.of() : allowedHosts).withOpenMetrics(openMetrics)
                    .withLimits(maxConnections, (int) Math.min(Integer.MAX_VALUE, timeoutMs), writeRate, writeBurst);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }
}
