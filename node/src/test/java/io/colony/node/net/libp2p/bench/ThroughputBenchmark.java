package io.colony.node.net.libp2p.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.colony.node.net.libp2p.Ed25519KeyPair;
import io.colony.node.net.libp2p.HostConfig;
import io.colony.node.net.libp2p.JsPeer;
import io.colony.node.net.libp2p.Libp2pHost;
import io.colony.node.net.libp2p.P2pStream;
import io.colony.node.net.libp2p.StreamHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bulk transfer over one stream (Noise ChaCha20-Poly1305 + yamux flow control), Java to Java
 * beside js-libp2p to js-libp2p in the same run: the dialer writes N MiB in 64 KiB chunks, the
 * listener drains them; the clock stops when the listener has everything.
 *
 * <p>Run from the node module directory: {@code java -cp <test classpath>
 * io.colony.node.net.libp2p.bench.ThroughputBenchmark [mib]}.
 */
public final class ThroughputBenchmark {

    private static final String PROTOCOL = "/colony/bench/sink/1.0.0";
    private static final int CHUNK = 64 * 1024;

    private ThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        double java = javaToJava(mib);
        double js = jsToJs(mib);
        System.out.printf("%nSingle-stream bulk transfer, %d MiB, %d cores%n", mib, Runtime.getRuntime().availableProcessors());
        System.out.printf("%-14s %-14s %8s%n", "java MiB/s", "js MiB/s", "java/js");
        System.out.printf("%-14.1f %-14.1f %8.2f%n", java, js, java / js);
        System.exit(0);
    }

    static double javaToJava(int mib) throws Exception {
        Libp2pHost listener = new Libp2pHost(HostConfig.builder(Ed25519KeyPair.generate()).listen("/ip4/127.0.0.1/tcp/0").build());
        Libp2pHost dialer = new Libp2pHost(HostConfig.builder(Ed25519KeyPair.generate()).build());
        AtomicLong received = new AtomicLong();
        listener.handle(PROTOCOL, () -> (stream, data) -> received.addAndGet(data.length));
        listener.start();
        try {
            dialer.dial(listener.listenAddresses().get(0)).get(10, TimeUnit.SECONDS);
            transfer(dialer, listener, received, 16);
            return transfer(dialer, listener, received, mib);
        } finally {
            dialer.close();
            listener.close();
        }
    }

    private static double transfer(Libp2pHost dialer, Libp2pHost listener, AtomicLong received, int mib) throws Exception {
        long total = (long) mib << 20;
        received.set(0);
        byte[] chunk = new byte[CHUNK];
        long start = System.nanoTime();
        P2pStream s = dialer.newStream(listener.peerId(), PROTOCOL, (StreamHandler) (st, d) -> { }).get(10, TimeUnit.SECONDS);
        ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
        for (long sent = 0; sent < total; sent += CHUNK) {
            inFlight.add(s.write(chunk));
            if (inFlight.size() > 32) {
                inFlight.poll().get(30, TimeUnit.SECONDS);
            }
        }
        s.closeWrite();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (received.get() < total) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("transfer stalled at " + received.get());
            }
            Thread.onSpinWait();
        }
        return mib / ((System.nanoTime() - start) / 1e9);
    }

    static double jsToJs(int mib) throws Exception {
        Path dir = JsPeer.jsDir();
        JsPeer.ensureInstalled(dir);
        Process p = new ProcessBuilder("node", "bench-throughput.mjs", "--mib", String.valueOf(mib))
                .directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
                throw new IllegalStateException("js benchmark failed: " + out);
            }
            String[] lines = out.split("\n");
            return new ObjectMapper().readTree(lines[lines.length - 1]).path("mibPerSecond").asDouble();
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
