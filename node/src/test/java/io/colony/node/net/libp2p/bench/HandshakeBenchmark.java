package io.colony.node.net.libp2p.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.colony.node.net.libp2p.Connection;
import io.colony.node.net.libp2p.Ed25519KeyPair;
import io.colony.node.net.libp2p.HostConfig;
import io.colony.node.net.libp2p.JsPeer;
import io.colony.node.net.libp2p.Libp2pHost;
import io.colony.node.net.libp2p.Multiaddr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Connection handshakes per second (TCP + multistream-select + Noise XX + yamux), Java to Java
 * beside js-libp2p to js-libp2p measured in the same run on the same machine. Each of N dialer
 * hosts loops: dial the listener, wait for the upgraded connection, close it, wait for the close.
 *
 * Java and js runs alternate for a number of rounds and the table shows the medians, so that
 * load from other processes hits both sides alike.
 *
 * <p>Run: {@code java -cp <test classpath> io.colony.node.net.libp2p.bench.HandshakeBenchmark
 * [warmupSeconds] [measureSeconds] [rounds]}, from the node module directory (it needs
 * {@code src/test/js}).
 */
public final class HandshakeBenchmark {

    private HandshakeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int[] dialerCounts = {1, 4};
        List<String[]> rows = new ArrayList<>();
        for (int dialers : dialerCounts) {
            double[] java = new double[rounds];
            double[] js = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                java[r] = javaToJava(dialers, warmup, seconds);
                js[r] = jsToJs(dialers, warmup, seconds);
            }
            double jm = median(java);
            double sm = median(js);
            rows.add(new String[] {String.valueOf(dialers), fmt(jm), fmt(sm), String.format("%.2f", jm / sm)});
        }
        System.out.printf("%nHandshakes per second (dial + Noise XX + yamux + close), %d cores, %ds measured,"
                + " median of %d alternating rounds%n", Runtime.getRuntime().availableProcessors(), seconds, rounds);
        System.out.printf("%-8s %12s %12s %10s%n", "dialers", "java->java", "js->js", "java/js");
        for (String[] r : rows) {
            System.out.printf("%-8s %12s %12s %10s%n", (Object[]) r);
        }
        System.exit(0);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String fmt(double v) {
        return String.format("%.1f", v);
    }

    static double javaToJava(int dialers, int warmup, int seconds) throws Exception {
        Libp2pHost listener = new Libp2pHost(HostConfig.builder(Ed25519KeyPair.generate())
                .listen("/ip4/127.0.0.1/tcp/0").maxConnections(100_000).build());
        listener.start();
        List<Libp2pHost> clients = new ArrayList<>();
        for (int i = 0; i < dialers; i++) {
            clients.add(new Libp2pHost(HostConfig.builder(Ed25519KeyPair.generate()).build()));
        }
        // dial without /p2p so that every dial makes a new connection
        Multiaddr target = listener.listenAddresses().get(0).withoutPeerId();
        try {
            run(clients, target, warmup);
            long start = System.nanoTime();
            long total = run(clients, target, seconds);
            return total / ((System.nanoTime() - start) / 1e9);
        } finally {
            clients.forEach(Libp2pHost::close);
            listener.close();
        }
    }

    private static long run(List<Libp2pHost> clients, Multiaddr target, int seconds) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<CompletableFuture<Long>> loops = new ArrayList<>();
        for (Libp2pHost c : clients) {
            loops.add(CompletableFuture.supplyAsync(() -> {
                long n = 0;
                while (System.nanoTime() < until) {
                    Connection conn = c.dial(target).join();
                    conn.close();
                    conn.closeFuture().join();
                    n++;
                }
                return n;
            }));
        }
        long total = 0;
        for (CompletableFuture<Long> f : loops) {
            total += f.get();
        }
        return total;
    }

    static double jsToJs(int dialers, int warmup, int seconds) throws IOException, InterruptedException {
        Path dir = JsPeer.jsDir();
        JsPeer.ensureInstalled(dir);
        Process p = new ProcessBuilder("node", "bench-handshake.mjs", "--dialers", String.valueOf(dialers),
                "--warmup", String.valueOf(warmup), "--seconds", String.valueOf(seconds))
                .directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(warmup + seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
                throw new IllegalStateException("js benchmark failed: " + out);
            }
            String[] lines = out.split("\n");
            JsonNode result = new ObjectMapper().readTree(lines[lines.length - 1]);
            return result.path("perSecond").asDouble();
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
