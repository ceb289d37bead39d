package io.colony.sdk;

import io.colony.node.DevColony;
import io.colony.node.Node;
import io.colony.node.NodeConfig;
import io.colony.node.lease.LeaseConfig;
import io.colony.node.ledger.LedgerConfig;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** A dev colony with a node on a free port, short leases and a short ledger grace, for tests. */
final class TestColony implements AutoCloseable {

    final DevColony dev;
    final Node node;
    final ColonyClient client;

    private TestColony(DevColony dev, Node node) {
        this.dev = dev;
        this.node = node;
        this.client = ColonyClient.connect("127.0.0.1", node.apiPort(), dev.user());
    }

    /** Test defaults: API on port 0, lease 3 s, ledger grace 300 ms, tick 50 ms, 2 cli slots. */
    static NodeConfig config(DevColony dev) {
        LedgerConfig d = LedgerConfig.defaults();
        return dev.nodeConfig().withApi("127.0.0.1", 0).withExecutor("cli", null, 2)
                .withLease(LeaseConfig.of(3_000, 0)).withTick(50)
                .withLedger(new LedgerConfig(300, d.maxLeaseMs(), d.maxFutureSkewMs(), d.maxRecordsPerProcess(),
                        d.maxHeldRecords(), d.maxLogLines(), d.maxLogBytes()));
    }

    static TestColony start(Path dir) {
        return start(dir, UnaryOperator.identity());
    }

    static TestColony start(Path dir, UnaryOperator<NodeConfig> tweak) {
        DevColony dev = DevColony.prepare(dir);
        Node node = Node.start(tweak.apply(config(dev)));
        dev.admitMembers(node);
        return new TestColony(dev, node);
    }

    @Override
    public void close() {
        node.close();
    }
}
