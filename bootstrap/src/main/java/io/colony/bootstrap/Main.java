package io.colony.bootstrap;

import io.colony.node.DevColony;
import io.colony.node.Node;
import io.colony.node.NodeConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A bootstrap peer: a node without executors. Usage:
 * {@code bootstrap --data DIR [--colony ID] [--api-port N]}. For now it serves the HTTP API and
 * keeps the ledger; peer-to-peer replication is added by the node's network layer.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path data = Path.of("bootstrap-data");
        String colony = null;
        int apiPort = NodeConfig.DEFAULT_API_PORT;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--data" -> data = Path.of(args[++i]);
                    case "--colony" -> colony = args[++i];
                    case "--api-port" -> apiPort = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (colony == null) {
                colony = DevColony.readColonyId(data);
            }
            if (colony == null) {
                throw new IllegalArgumentException("no colony id: pass --colony ID");
            }
        } catch (RuntimeException e) {
            System.err.println("bootstrap: " + e.getMessage()
                    + " (usage: bootstrap --data DIR [--colony ID] [--api-port N])");
            System.exit(2);
            return;
        }
        DevColony.writeColonyId(data, colony);
        Node node = Node.start(NodeConfig.of(data, colony).withApi("127.0.0.1", apiPort).withExecutor(null, null, 1));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
