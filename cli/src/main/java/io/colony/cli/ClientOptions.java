package io.colony.cli;

import io.colony.protocol.Identity;
import io.colony.sdk.ColonyClient;
import io.colony.sdk.Keys;
import picocli.CommandLine.Option;

/** Where the node is and who the caller is: flags, else {@code COLONY_HOST/COLONY_PORT/COLONY_PRVKEY}. */
final class ClientOptions {

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "${env:COLONY_HOST:-127.0.0.1}",
            description = "Node API host (env COLONY_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:COLONY_PORT:-50080}",
            description = "Node API port (env COLONY_PORT, default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--key", paramLabel = "KEY", defaultValue = "${env:COLONY_PRVKEY}",
            description = "Private key: 64 hex characters or a key file (env COLONY_PRVKEY).")
    String key;

    /** A client that signs with the caller's key (required). */
    ColonyClient signing() {
        Identity id = Keys.load(key);
        return ColonyClient.connect(host, port, id);
    }

    /** A client for reads; the key is optional. */
    ColonyClient reading() {
        return ColonyClient.connect(host, port, key == null || key.isBlank() ? null : Keys.load(key));
    }
}
