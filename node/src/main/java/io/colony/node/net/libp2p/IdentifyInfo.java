package io.colony.node.net.libp2p;

import java.util.List;
import java.util.Optional;

/**
 * What a peer told us about itself with {@code /ipfs/id/1.0.0} (or a later push).
 *
 * @param publicKey the protobuf-encoded public key it sent (already checked against its peer id)
 * @param listenAddresses the addresses it says it listens on (unparseable ones dropped)
 * @param protocols protocol ids it serves
 * @param observedAddress how it sees our end of the connection, if it said
 * @param protocolVersion e.g. {@code ipfs/0.1.0}
 * @param agentVersion e.g. {@code colony/0.1.0} or {@code js-libp2p/…}
 */
public record IdentifyInfo(
        byte[] publicKey,
        List<Multiaddr> listenAddresses,
        List<String> protocols,
        Optional<Multiaddr> observedAddress,
        String protocolVersion,
        String agentVersion) {

    public IdentifyInfo {
        listenAddresses = List.copyOf(listenAddresses);
        protocols = List.copyOf(protocols);
    }
}
