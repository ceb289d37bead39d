package io.colony.node.net.libp2p;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@code /ipfs/ping/1.0.0}: the initiator sends 32 random bytes, the responder echoes them. */
final class Ping {

    static final int SIZE = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ping() {
    }

    /** Responder: echoes everything back, until the remote closes. */
    static StreamHandler responder() {
        return new StreamHandler() {
            @Override
            public void onData(P2pStream stream, byte[] data) {
                // a peer that sends but does not read fills our send buffer: give up on it
                stream.write(data).exceptionally(e -> {
                    stream.reset();
                    return null;
                });
            }

            @Override
            public void onRemoteClose(P2pStream stream) {
                stream.closeWrite();
            }
        };
    }

    /**
     * Pings over a new stream on {@code connection}.
     *
     * @return the round-trip time; fails if there is no echo within {@code timeout}
     */
    static CompletableFuture<Duration> ping(Connection connection, Duration timeout) {
        CompletableFuture<Duration> rtt = new CompletableFuture<>();
        connection.newStream(Libp2pHost.PING, initiator(rtt)).whenComplete((s, e) -> {
            if (e != null) {
                rtt.completeExceptionally(e);
            }
        });
        return rtt.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Initiator: one ping; {@code rtt} completes with the round-trip time. */
    static StreamHandler initiator(CompletableFuture<Duration> rtt) {
        byte[] payload = new byte[SIZE];
        RANDOM.nextBytes(payload);
        return new StreamHandler() {
            private final byte[] received = new byte[SIZE];
            private int n;
            private long start;

            @Override
            public void onOpen(P2pStream stream) {
                start = System.nanoTime();
                stream.write(payload);
            }

            @Override
            public void onData(P2pStream stream, byte[] data) {
                int take = Math.min(data.length, SIZE - n);
                System.arraycopy(data, 0, received, n, take);
                n += take;
                if (n < SIZE && take == data.length) {
                    return;
                }
                if (n == SIZE && data.length == take && Arrays.equals(received, payload)) {
                    rtt.complete(Duration.ofNanos(System.nanoTime() - start));
                    stream.closeWrite();
                } else {
                    rtt.completeExceptionally(new IllegalStateException("wrong ping echo"));
                    stream.reset();
                }
            }

            @Override
            public void onClosed(P2pStream stream) {
                rtt.completeExceptionally(new IllegalStateException("ping stream closed before the echo"));
            }
        };
    }
}
