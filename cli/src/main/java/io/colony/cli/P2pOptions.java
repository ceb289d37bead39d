package io.colony.cli;

import io.colony.node.cluster.ColonyNetwork;
import io.colony.protocol.pb.SignedRecord;
import java.util.List;
import picocli.CommandLine.Option;

/** Peer-to-peer options of commands that run a node: where to listen and whom to join through. */
final class P2pOptions {

    /** Default peer-to-peer port. */
    static final int DEFAULT_PORT = 4001;

    @Option(names = "--p2p-host", paramLabel = "HOST",
            description = "Address to listen on for peers (default 0.0.0.0; 127.0.0.1 for 'colony dev').")
    String host;
    @Option(names = "--p2p-port", paramLabel = "PORT", defaultValue = "" + DEFAULT_PORT,
            description = "TCP port for peers, 0 for any free port, -1 for no peer-to-peer network (default ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--bootstrap", paramLabel = "MULTIADDR", split = ",", defaultValue = "${env:COLONY_BOOTSTRAP}",
            description = {"Peer to join through, /ip4/…/tcp/…/p2p/… (repeatable or comma-separated;",
                    "env COLONY_BOOTSTRAP; default: the join token's, then the data dir's last ones; not used by dev)."})
    List<String> bootstrap;

    /** Takes values from the environment or config file for the flags not given. */
    void fill(NodeSettings s, java.util.function.Predicate<String> flagGiven) {
        s.override(NodeSettings.Key.P2P_HOST, flagGiven, t -> t).ifPresent(v -> host = v);
        s.override(NodeSettings.Key.P2P_PORT, flagGiven, NodeSettings.intIn(-1, 65535)).ifPresent(v -> port = v);
        s.override(NodeSettings.Key.BOOTSTRAP, flagGiven, t -> List.of(t.split(","))).ifPresent(v -> bootstrap = v);
    }

    /** The bootstrap addresses given on the command line (or in the environment); empty if none. */
    List<String> bootstrapGiven() {
        return bootstrap == null ? List.of() : bootstrap.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * The network settings, or null for {@code --p2p-port -1}.
     *
     * @param defaultHost listen address when {@code --p2p-host} is not given
     * @param peers       bootstrap addresses to use
     * @param ownAdmit    the owner's Admit of the node's key when joining with a token, else null
     */
    ColonyNetwork.Settings settings(String defaultHost, List<String> peers, SignedRecord ownAdmit) {
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException("--p2p-port must be in 0..65535, or -1 for none");
        }
        if (port == -1) {
            return null;
        }
        for (String p : peers) {
            if (!p.startsWith("/")) {
                throw new IllegalArgumentException("--bootstrap takes multiaddrs like /ip4/10.0.0.1/tcp/4001/p2p/12D3Koo…, not "
                        + p);
            }
        }
        return ColonyNetwork.Settings.of(host == null ? defaultHost : host, port, peers, ownAdmit);
    }
}
