package io.colony.node.net.libp2p;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Starts hosts on loopback with port 0 and closes them all at the end of a test. */
final class HostFixture implements AutoCloseable {

    private final List<Libp2pHost> hosts = new ArrayList<>();

    Libp2pHost start() {
        return start(b -> b);
    }

    Libp2pHost start(UnaryOperator<HostConfig.Builder> tweak) {
        HostConfig cfg = tweak.apply(HostConfig.builder(Ed25519KeyPair.generate()).listen("/ip4/127.0.0.1/tcp/0")).build();
        Libp2pHost host = new Libp2pHost(cfg);
        hosts.add(host);
        host.start();
        return host;
    }

    static Multiaddr addr(Libp2pHost host) {
        return host.listenAddresses().get(0);
    }

    @Override
    public void close() {
        hosts.forEach(Libp2pHost::close);
    }
}
