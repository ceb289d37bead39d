package io.colony.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Settings of a node ({@code node start}, {@code dev}, {@code bootstrap}) from its config file and the
 * environment. A value comes from, in this order:
 * the command-line flag, the environment variable, the config file ({@code DATA_DIR/colony.conf} or
 * {@code --config FILE}, Java properties), the built-in default. Every bad value is one error line
 * naming the key and where it came from.
 */
final class NodeSettings {

    /** Name of the config file in the data dir. */
    static final String FILE_NAME = "colony.conf";
    /** Largest config file read. */
    private static final long MAX_FILE_BYTES = 64 * 1024;

    /** The settings: config-file key, flag, environment variable, built-in default, meaning. */
    enum Key {
        API_HOST("api.host", "--api-host", "COLONY_API_HOST", "127.0.0.1", "address of the HTTP API"),
        API_PORT("api.port", "--api-port", "COLONY_API_PORT", "50080", "port of the HTTP API, 0 any free port"),
        API_TLS("api.tls", "--api-tls", "COLONY_API_TLS", "false",
                "HTTPS with a self-signed certificate made once in the data dir"),
        API_TLS_CERT("api.tls-cert", "--api-tls-cert", "COLONY_API_TLS_CERT", "<none>", "PEM certificate to serve HTTPS with"),
        API_TLS_KEY("api.tls-key", "--api-tls-key", "COLONY_API_TLS_KEY", "<none>", "PEM (PKCS#8) key of api.tls-cert"),
        API_INSECURE("api.insecure", "--insecure-api", "COLONY_INSECURE_API", "false",
                "allow plain HTTP on a non-loopback api.host"),
        API_ALLOWED_HOSTS("api.allowed-hosts", "--api-allowed-hosts", "COLONY_API_ALLOWED_HOSTS", "<none>",
                "Host header names accepted besides loopback and api.host"),
        API_OPEN_METRICS("api.open-metrics", "--api-open-metrics", "COLONY_API_OPEN_METRICS", "false",
                "serve /metrics without a request signature"),
        API_MAX_CONNECTIONS("api.max-connections", "--api-max-connections", "COLONY_API_MAX_CONNECTIONS", "1024",
                "most open API connections"),
        API_READ_TIMEOUT("api.read-timeout", "--api-read-timeout", "COLONY_API_READ_TIMEOUT", "10s",
                "a request's headers and body must arrive within this"),
        API_WRITE_RATE("api.write-rate", "--api-write-rate", "COLONY_API_WRITE_RATE", "1000",
                "signed writes per second per member (429 beyond)"),
        API_WRITE_BURST("api.write-burst", "--api-write-burst", "COLONY_API_WRITE_BURST", "2000",
                "writes a member may make at once"),
        EXECUTOR_TYPE("executor.type", "--executor-type", "COLONY_EXECUTOR_TYPE", "cli",
                "type of the built-in executor, none for no executor"),
        EXECUTOR_NAME("executor.name", "--executor-name", "COLONY_EXECUTOR_NAME", "node-<id prefix>",
                "name of the built-in executor"),
        CAPACITY("executor.capacity", "--capacity", "COLONY_CAPACITY", "<cores>", "processes run in parallel"),
        CPU("executor.cpu", "--cpu", "COLONY_CPU", "<cores>", "cpu offered to conditions.cpu, e.g. 4 or 500m"),
        MEMORY("executor.memory", "--memory", "COLONY_MEMORY", "<machine memory>",
                "memory offered to conditions.memory, e.g. 8Gi"),
        GPU("executor.gpu", "--gpu", "COLONY_GPU", "0", "gpus offered to conditions.gpu"),
        ALLOW("executor.allow", "--allow", "COLONY_EXECUTOR_ALLOW", "<nothing; dev: *>",
                "comma-separated programs the cli executor may run: NAME, /ABS/PATH or *, each optionally"
                        + " followed by an argument glob, e.g. echo,/usr/bin/python3 /opt/jobs/*"),
        RUN_AS("executor.run-as", "--run-as", "COLONY_EXECUTOR_RUN_AS", "<the node's user>",
                "OS user the cli executor's children run as (via setpriv; the node must run as root)"),
        LEASE_MS("lease.ms", "--lease-ms", "COLONY_LEASE_MS", "10000", "lease length of claims in ms"),
        P2P_HOST("p2p.host", "--p2p-host", "COLONY_P2P_HOST", "0.0.0.0", "address to listen on for peers"),
        P2P_PORT("p2p.port", "--p2p-port", "COLONY_P2P_PORT", "4001",
                "TCP port for peers, 0 any free port, -1 no peer-to-peer network"),
        BOOTSTRAP("p2p.bootstrap", "--bootstrap", "COLONY_BOOTSTRAP", "<join token's, then data dir's>",
                "comma-separated multiaddrs of peers to join through"),
        LOG_LEVEL("log.level", "--log-level", "COLONY_LOG_LEVEL", "info", "error, warn, info, debug or trace"),
        LOG_FORMAT("log.format", "--log-format", "COLONY_LOG_FORMAT", "text", "text or json (one object per line)");

        final String key;
        final String flag;
        final String env;
        final String defaultValue;
        final String description;

        Key(String key, String flag, String env, String defaultValue, String description) {
            this.key = key;
            this.flag = flag;
            this.env = env;
            this.defaultValue = defaultValue;
            this.description = description;
        }
    }

    /**
     * A value and where it came from.
     *
     * @param text   the value as written
     * @param source {@code "flag --x"}, {@code "env COLONY_X"}, {@code "file F"} or {@code "default"}
     */
    record Value(String text, String source) {
    }

    private final Path file;
    private final Map<Key, Value> fromFile;
    private final Map<Key, Value> fromEnv;

    private NodeSettings(Path file, Map<Key, Value> fromFile, Map<Key, Value> fromEnv) {
        this.file = file;
        this.fromFile = fromFile;
        this.fromEnv = fromEnv;
    }

    /**
     * Reads the settings.
     *
     * @param dataDir  the node's data dir (its {@code colony.conf} is read if it exists)
     * @param explicit {@code --config FILE}, or null; must exist
     * @param env      the environment
     * @throws IllegalArgumentException one line: unreadable file, unknown key
     */
    static NodeSettings load(Path dataDir, Path explicit, Map<String, String> env) {
        Path file = explicit != null ? explicit : dataDir.resolve(FILE_NAME);
        Map<Key, Value> fromFile = readFile(file, explicit != null);
        Map<Key, Value> fromEnv = new LinkedHashMap<>();
        for (Key k : Key.values()) {
            String v = env.get(k.env);
            if (v != null && !v.isBlank()) {
                fromEnv.put(k, new Value(v.strip(), "env " + k.env));
            }
        }
        return new NodeSettings(file, fromFile, fromEnv);
    }

    private static Map<Key, Value> readFile(Path file, boolean required) {
        Map<Key, Value> out = new LinkedHashMap<>();
        Properties p = new Properties();
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException("config file " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
            }
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        } catch (NoSuchFileException e) {
            if (required) {
                throw new IllegalArgumentException("config file " + file + " does not exist");
            }
            return out;
        } catch (IOException | IllegalArgumentException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("config file")) {
                throw iae;
            }
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
        }
        for (String name : p.stringPropertyNames()) {
            Key k = byName(name).orElseThrow(() -> new IllegalArgumentException("unknown key '" + name + "' in config file "
                    + file + " (known: " + String.join(", ", List.of(Key.values()).stream().map(x -> x.key).toList()) + ")"));
            String v = p.getProperty(name).strip();
            if (!v.isEmpty()) {
                out.put(k, new Value(v, "file " + file));
            }
        }
        return out;
    }

    private static Optional<Key> byName(String name) {
        for (Key k : Key.values()) {
            if (k.key.equals(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The config file consulted (it may not exist). */
    Path file() {
        return file;
    }

    /** The value of {@code k} from the environment or the file, if either sets it. */
    Optional<Value> lookup(Key k) {
        Value v = fromEnv.get(k);
        return Optional.ofNullable(v != null ? v : fromFile.get(k));
    }

    /** The effective value of {@code k} when no flag sets it: env, file or built-in default. */
    Value effective(Key k) {
        return lookup(k).orElse(new Value(k.defaultValue, "default"));
    }

    /**
     * The value of {@code k} when its flag was not given ({@code flagGiven} tests flag names), checked
     * by {@code parse}; empty if the flag was given or nothing sets the key.
     */
    <T> Optional<T> override(Key k, Predicate<String> flagGiven, Parser<T> parse) {
        if (flagGiven.test(k.flag)) {
            return Optional.empty();
        }
        return lookup(k).map(v -> {
            try {
                return parse.parse(v.text());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("bad " + k.key + " '" + v.text() + "' (" + v.source() + "): "
                        + reason(e));
            }
        });
    }

    private static String reason(RuntimeException e) {
        if (e instanceof NumberFormatException) {
            return "not a number";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Tells whether a flag (by name, e.g. {@code --api-port}) was given on the command line of {@code spec}. */
    static Predicate<String> flagsGiven(CommandSpec spec) {
        return flag -> spec.commandLine().getParseResult().hasMatchedOption(flag);
    }

    /** Parses a text value; throws with a short reason. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(String text);
    }

    /** An integer parser checking {@code min..max}. */
    static Parser<Integer> intIn(int min, int max) {
        return t -> {
            int v = Integer.parseInt(t);
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be in " + min + ".." + max);
            }
            return v;
        };
    }

    /** A parser accepting one of {@code allowed} (case-insensitive), returned lower case. */
    static Parser<String> oneOf(String... allowed) {
        return t -> {
            String v = t.toLowerCase(Locale.ROOT);
            if (!List.of(allowed).contains(v)) {
                throw new IllegalArgumentException("must be one of " + String.join(", ", allowed));
            }
            return v;
        };
    }
}
