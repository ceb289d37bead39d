package io.colony.node.net.gossip.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.colony.node.net.PeerNetwork.Validation;
import io.colony.node.net.gossip.GossipConfig;
import io.colony.node.net.libp2p.Ed25519KeyPair;
import io.colony.node.net.libp2p.HostConfig;
import io.colony.node.net.libp2p.JsPeer;
import io.colony.node.net.libp2p.Libp2pNetwork;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Gossip throughput and delivery latency of 1 KiB messages between two Java peers and, in the same
 * run, between two js-libp2p gossipsub peers, over loopback TCP. Not part of the test suite. Phases:
 * a flood (publish as fast as possible: messages per second) and a paced run (one message every
 * {@code intervalMs}: latency p50/p99 without queueing). Arguments: [count] [size] [intervalMs];
 * {@code -Dbench.javaOnly=true} skips the js pair.
 *
 * <p>Run from the {@code node} directory after {@code ../mvnw -pl node test-compile}, with the test
 * classpath written by {@code maven-dependency-plugin:build-classpath -Dmdep.includeScope=test
 * -Dmdep.outputFile=target/bench-classpath.txt}:
 * {@code java -cp target/test-classes:target/classes:$(cat target/bench-classpath.txt)
 * io.colony.node.net.gossip.bench.GossipBench 5000 1024 2}. Needs {@code node} for the js pair.
 */
public final class GossipBench {

    private static final String TOPIC = "bench";
    private static final Duration WAIT = Duration.ofMinutes(5);

    record Result(int count, double perSecond, double p50Micros, double p99Micros) {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int intervalMs = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int paced = Math.max(100, count / 5);

        Result javaFlood;
        Result javaPaced;
        try (JavaPair pair = new JavaPair()) {
            pair.run(Math.min(500, count), size, 0); // warm-up
            javaFlood = pair.run(count, size, 0);
            javaPaced = pair.run(paced, size, intervalMs);
        }
        if (Boolean.getBoolean("bench.javaOnly")) {
            System.out.printf(Locale.ROOT, "java-java: flood %.0f msg/s, p50 %.2f ms, p99 %.2f ms; paced p50 %.3f ms, p99 %.3f ms%n",
                    javaFlood.perSecond, javaFlood.p50Micros / 1000, javaFlood.p99Micros / 1000,
                    javaPaced.p50Micros / 1000, javaPaced.p99Micros / 1000);
            System.exit(0);
        }
        Result jsFlood;
        Result jsPaced;
        try (JsPeer publisher = JsPeer.start("gossip-peer.mjs", "--heartbeat", "200");
                JsPeer receiver = JsPeer.start("gossip-peer.mjs", "--heartbeat", "200")) {
            jsSetup(publisher, receiver);
            jsRun(publisher, receiver, Math.min(500, count), size, 0);
            jsFlood = jsRun(publisher, receiver, count, size, 0);
            jsPaced = jsRun(publisher, receiver, paced, size, intervalMs);
        }
        System.out.printf(Locale.ROOT, "%nGossip benchmark: %d-byte messages, one publisher, one receiver, loopback TCP%n",
                size);
        System.out.printf(Locale.ROOT, "%-28s %14s %14s %14s%n", "", "java-java", "js-js", "java/js");
        row("flood: messages/s", javaFlood.perSecond, jsFlood.perSecond, "%14.0f");
        row("flood: latency p50 (ms)", javaFlood.p50Micros / 1000, jsFlood.p50Micros / 1000, "%14.2f");
        row("flood: latency p99 (ms)", javaFlood.p99Micros / 1000, jsFlood.p99Micros / 1000, "%14.2f");
        row("paced " + intervalMs + " ms: p50 (ms)", javaPaced.p50Micros / 1000, jsPaced.p50Micros / 1000, "%14.3f");
        row("paced " + intervalMs + " ms: p99 (ms)", javaPaced.p99Micros / 1000, jsPaced.p99Micros / 1000, "%14.3f");
        System.out.printf(Locale.ROOT, "(flood: %d messages; paced: %d messages; for latency rows a ratio < 1 means Java is faster)%n",
                count, paced);
        System.exit(0);
    }

    private static void row(String name, double java, double js, String fmt) {
        System.out.printf(Locale.ROOT, "%-28s " + fmt + " " + fmt + " %14.2f%n", name, java, js, java / js);
    }

    /** Two Java peers on loopback; the payload carries the send time (System.nanoTime). */
    private static final class JavaPair implements AutoCloseable {
        private final Libp2pNetwork publisher = network();
        private final Libp2pNetwork receiver = network();
        private volatile long[] latencies = new long[0];
        private volatile long lastReceive;
        private final AtomicInteger received = new AtomicInteger();
        private volatile CompletableFuture<Void> done = new CompletableFuture<>();

        JavaPair() throws Exception {
            publisher.subscribe(TOPIC, (f, d) -> Validation.ACCEPT, (f, d) -> { });
            receiver.subscribe(TOPIC, (f, d) -> Validation.ACCEPT, (f, d) -> {
                long now = System.nanoTime();
                int i = received.getAndIncrement();
                long[] l = latencies;
                if (i < l.length) {
                    l[i] = now - ByteBuffer.wrap(d).getLong(0);
                    if (i == l.length - 1) {
                        lastReceive = now;
                        done.complete(null);
                    }
                }
            });
            publisher.connect(receiver.listenAddresses().get(0)).get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (publisher.gossip().inspect(r -> r.meshPeers(TOPIC).size()) < 1) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("java mesh did not form");
                }
                Thread.sleep(20);
            }
        }

        private static Libp2pNetwork network() {
            GossipConfig.Builder g = GossipConfig.builder();
            g.heartbeatMillis = 200;
            Libp2pNetwork n = new Libp2pNetwork(
                    HostConfig.builder(Ed25519KeyPair.generate()).listen("/ip4/127.0.0.1/tcp/0").build(), g.build());
            n.start();
            return n;
        }

        Result run(int count, int size, int intervalMs) throws Exception {
            latencies = new long[count];
            received.set(0);
            done = new CompletableFuture<>();
            byte[] data = new byte[size];
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                ByteBuffer.wrap(data).putLong(0, System.nanoTime()).putInt(8, i);
                publisher.publish(TOPIC, data);
                if (intervalMs > 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(intervalMs));
                }
            }
            done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            long[] l = latencies.clone();
            Arrays.sort(l);
            double seconds = (lastReceive - start) / 1e9;
            return new Result(count, count / seconds, l[l.length / 2] / 1e3,
                    l[Math.min(l.length - 1, (int) (l.length * 0.99))] / 1e3);
        }

        @Override
        public void close() {
            publisher.close();
            receiver.close();
        }
    }

    private static void jsSetup(JsPeer publisher, JsPeer receiver) {
        publisher.call("subscribed", WAIT, "subscribe", "topic", TOPIC);
        receiver.call("subscribed", WAIT, "subscribe", "topic", TOPIC);
        publisher.call("dialed", WAIT, "dial", "addr", receiver.address().toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (publisher.call("mesh", WAIT, "mesh", "topic", TOPIC).path("mesh").isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("js mesh did not form");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static Result jsRun(JsPeer publisher, JsPeer receiver, int count, int size, int intervalMs) {
        receiver.call("bench-expecting", WAIT, "bench-expect", "topic", TOPIC, "count", count);
        int mark = receiver.events().size();
        publisher.call("bench-published", WAIT, "bench-publish", "topic", TOPIC, "count", count, "size", size,
                "intervalMs", intervalMs);
        JsonNode r = receiver.awaitEvent(e -> "bench-received".equals(e.path("event").asText())
                && receiver.events().indexOf(e) >= mark, WAIT);
        double seconds = (r.path("lastReceive").asLong() - r.path("firstSend").asLong()) / 1e6;
        return new Result(count, count / seconds, r.path("p50").asDouble(), r.path("p99").asDouble());
    }
}
