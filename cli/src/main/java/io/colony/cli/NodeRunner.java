package io.colony.cli;

import io.colony.node.Node;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Keeps a node running until the JVM is asked to stop (Ctrl-C, SIGTERM), then closes it. */
final class NodeRunner {

    private NodeRunner() {
    }

    static int runUntilStopped(Node node) {
        return runUntilStopped(node, null);
    }

    /** Runs the node until the JVM stops, then closes it and releases {@code lock} (its data dir's lock, or null). */
    static int runUntilStopped(Node node, AutoCloseable lock) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            if (lock != null) {
                try {
                    lock.close();
                } catch (Exception e) {
                    // the OS releases it with the process
                }
            }
            stopped.countDown();
        }, "node-shutdown"));
        node.fatalError().thenRun(stopped::countDown);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            node.close();
        }
        if (node.fatalError().isDone()) {
            throw new IllegalStateException(node.fatalError().join()); // one line, exit status 1
        }
        return 0;
    }

    /**
     * Prints where a started node can be reached, one fact per line ({@code prefix} before each):
     * {@code colony ID}, {@code node NAME (ID)}, {@code api http://HOST:PORT} and one {@code peer
     * MULTIADDR} per peer-to-peer address. Scripts may read these lines.
     */
    static void printStarted(PrintWriter out, String prefix, Node node) {
        out.println(prefix + "colony " + node.colonyId());
        out.println(prefix + "node   " + node.name() + " (" + node.identity().memberId() + ")");
        if (node.apiPort() >= 0) {
            String tls = node.apiTlsFingerprint();
            out.println(prefix + "api    " + (tls == null ? "http" : "https") + "://" + apiHost(node) + ":" + node.apiPort());
            if (tls != null) {
                out.println(prefix + "tls    sha256 " + tls);
            }
        }
        for (String a : addresses(node)) {
            out.println(prefix + "peer   " + a);
        }
        out.flush();
    }

    /** The node's full peer-to-peer addresses (empty without a network). */
    @SuppressWarnings("unchecked")
    static List<String> addresses(Node node) {
        Map<String, Object> info = node.info().join();
        Object a = info.get("addresses");
        return a == null ? List.of() : (List<String>) a;
    }

    private static String apiHost(Node node) {
        String h = node.config().apiHost();
        return h.equals("0.0.0.0") ? "127.0.0.1" : h;
    }
}
