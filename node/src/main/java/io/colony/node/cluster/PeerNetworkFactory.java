package io.colony.node.cluster;

import io.colony.node.net.PeerNetwork;
import io.colony.node.net.gossip.GossipConfig;
import io.colony.node.net.libp2p.Ed25519KeyPair;
import io.colony.node.net.libp2p.HostConfig;
import io.colony.node.net.libp2p.Libp2pNetwork;
import io.colony.protocol.Hex;
import io.colony.protocol.Identity;
import java.time.Duration;

/**
 * Builds the peer-to-peer network a node joins its colony through, from the node's identity. Real
 * nodes use {@link #libp2p(String, int)}; in-JVM tests and benchmarks pass an in-memory network so
 * that several real nodes share one process without sockets.
 */
@FunctionalInterface
public interface PeerNetworkFactory {

    /** A new, not yet started network speaking for {@code identity}. */
    PeerNetwork create(Identity identity);

    /** libp2p over TCP (Noise, yamux, gossipsub) listening on {@code listenHost:port} (0: any free port). */
    static PeerNetworkFactory libp2p(String listenHost, int port) {
        String host = listenHost.contains(":") ? "/ip6/" + listenHost : "/ip4/" + listenHost;
        return identity -> {
            Ed25519KeyPair key = Ed25519KeyPair.fromSeed(Hex.decode(identity.privateKeyHex(), 32, "node key"));
            HostConfig hostConfig = HostConfig.builder(key)
                    .listen(host + "/tcp/" + port)
                    .idleTimeout(Duration.ofMinutes(10))
                    .agentVersion("colony/" + version())
                    .build();
            return new Libp2pNetwork(hostConfig, GossipConfig.defaults());
        };
    }

    private static String version() {
        String v = ColonyNetwork.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
