package io.colony.cli;

import io.colony.protocol.Identity;
import io.colony.sdk.ClientTls;
import io.colony.sdk.ColonyClient;
import io.colony.sdk.Keys;
import picocli.CommandLine.Option;

/**
 * How client commands reach a node and who the caller is: flags, else {@code COLONY_HOST},
 * {@code COLONY_PORT}, {@code COLONY_PRVKEY}, {@code COLONY_TLS} and {@code COLONY_TLS_FINGERPRINT}. Every
 * command builds its {@link ColonyClient} here; the client signs every request with the key.
 */
final class ClientOptions {

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "${env:COLONY_HOST:-127.0.0.1}",
            description = "Node API host (env COLONY_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:COLONY_PORT:-50080}",
            description = "Node API port (env COLONY_PORT, default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--key", paramLabel = "KEY", defaultValue = "${env:COLONY_PRVKEY}",
            description = "Private key: 64 hex characters or a key file (env COLONY_PRVKEY); signs every request.")
    String key;

    @Option(names = "--tls", paramLabel = "BOOL", defaultValue = "${env:COLONY_TLS:-false}", arity = "0..1",
            fallbackValue = "true", description = "Talk HTTPS to the node (env COLONY_TLS).")
    String tls;

    @Option(names = "--tls-fingerprint", paramLabel = "SHA256", defaultValue = "${env:COLONY_TLS_FINGERPRINT}",
            description = {"Accept only the node certificate with this SHA-256 fingerprint (implies --tls; env",
                    "COLONY_TLS_FINGERPRINT; 'colony node start --api-tls' prints it)."})
    String fingerprint;

    /** A client that signs with the caller's key (required). */
    ColonyClient signing() {
        return connect(Keys.load(key));
    }

    /** A client for reads: reads are signed too, so the key is required as well. */
    ColonyClient reading() {
        return signing();
    }

    /** A client that signs with {@code identity} instead of the caller's key (e.g. the owner key). */
    ColonyClient as(Identity identity) {
        return connect(identity);
    }

    /** How to check the node's certificate, or null for plain HTTP. */
    ClientTls tls() {
        return ColonyClient.tls(tls, fingerprint);
    }

    private ColonyClient connect(Identity identity) {
        return ColonyClient.connect(host, port, identity, tls());
    }
}
