package io.colony.cli;

import io.colony.node.Node;
import java.util.concurrent.CountDownLatch;

/** Keeps a node running until the JVM is asked to stop (Ctrl-C, SIGTERM), then closes it. */
final class NodeRunner {

    private NodeRunner() {
    }

    static int runUntilStopped(Node node) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "node-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            node.close();
        }
        return 0;
    }
}
