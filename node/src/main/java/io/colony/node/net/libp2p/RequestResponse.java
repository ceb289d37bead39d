package io.colony.node.net.libp2p;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One request and one response per stream, each framed as an unsigned-varint length followed by
 * that many bytes. Both sides enforce {@code maxMessageSize}; the requester enforces
 * {@code timeout}.
 */
public final class RequestResponse {

    /** Serves requests of one protocol. */
    @FunctionalInterface
    public interface Handler {
        /** Produces the response to {@code request} from {@code from}; never block the caller. */
        CompletableFuture<byte[]> handle(PeerId from, byte[] request);
    }

    private final Libp2pHost host;
    private final String protocol;
    private final int maxMessageSize;
    private final Duration timeout;

    /**
     * @param host the host to use
     * @param protocol the protocol id, e.g. {@code /colony/sync/1.0.0}
     * @param maxMessageSize largest request or response accepted, in bytes
     * @param timeout how long a requester waits for the whole exchange
     */
    public RequestResponse(Libp2pHost host, String protocol, int maxMessageSize, Duration timeout) {
        this.host = host;
        this.protocol = protocol;
        this.maxMessageSize = maxMessageSize;
        this.timeout = timeout;
    }

    /** The protocol id. */
    public String protocol() {
        return protocol;
    }

    /** Registers {@code handler} on the host for this protocol. */
    public void serve(Handler handler) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Sends one request over a new stream on the existing connection to {@code peer}. */
    public CompletableFuture<byte[]> request(PeerId peer, byte[] request) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
