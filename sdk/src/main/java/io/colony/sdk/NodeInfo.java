package io.colony.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /api/v1/node} tells about a node.
 *
 * @param colony        the colony id (the owner's public key, hex)
 * @param node          the node's member id (hex)
 * @param name          the node's name
 * @param executorTypes executor types the node runs itself
 * @param capacity      processes the node runs in parallel
 * @param version       software version
 * @param processes     process counts per state
 * @param peerId        the node's libp2p peer id ({@code null} when the node runs alone)
 * @param addresses     full dialable addresses of the node ({@code /ip4/…/tcp/…/p2p/…}); empty when alone
 * @param peers         connected peers that proved colony membership
 * @param tlsFingerprint SHA-256 of the API's TLS certificate ({@code null} for plain HTTP)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeInfo(String colony, String node, String name, List<String> executorTypes, int capacity,
                       String version, Map<String, Long> processes, String peerId, List<String> addresses,
                       List<Peer> peers, String tlsFingerprint) {

    /** Empty lists instead of missing ones. */
    public NodeInfo {
        executorTypes = executorTypes == null ? List.of() : List.copyOf(executorTypes);
        processes = processes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(processes));
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        peers = peers == null ? List.of() : List.copyOf(peers);
    }

    /** The total number of processes the node knows, in every state. */
    public long processCount() {
        return processes.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * A connected member peer.
     *
     * @param peerId    its libp2p peer id
     * @param name      its name (as it says in its hello; may be empty)
     * @param addresses where it can be dialled
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Peer(String peerId, String name, List<String> addresses) {

        /** An empty list instead of a missing one. */
        public Peer {
            addresses = addresses == null ? List.of() : List.copyOf(addresses);
        }
    }
}
