package io.colony.node.net.libp2p;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(RequestResponse.class);

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
        host.handle(protocol, () -> new Responder(handler));
    }

    /** Stops serving this protocol. */
    public void stopServing() {
        host.unhandle(protocol);
    }

    /**
     * Sends one request over a new stream on the existing connection to {@code peer}. Fails if the
     * request or the response exceeds the size limit, the peer refuses the protocol, the stream
     * dies or the timeout passes.
     */
    public CompletableFuture<byte[]> request(PeerId peer, byte[] request) {
        if (request.length > maxMessageSize) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "request of " + request.length + " bytes exceeds the limit of " + maxMessageSize));
        }
        CompletableFuture<byte[]> response = new CompletableFuture<>();
        Requester requester = new Requester(request, response);
        host.newStream(peer, protocol, requester).whenComplete((s, e) -> {
            if (e != null) {
                response.completeExceptionally(e);
            }
        });
        return response.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> {
                    if (e != null) {
                        requester.abort();
                    }
                });
    }

    /** Client side of one exchange. */
    private final class Requester implements StreamHandler {
        private final byte[] request;
        private final CompletableFuture<byte[]> response;
        private final LengthPrefixed reader = new LengthPrefixed(maxMessageSize);
        private volatile P2pStream stream;

        Requester(byte[] request, CompletableFuture<byte[]> response) {
            this.request = request;
            this.response = response;
        }

        @Override
        public void onOpen(P2pStream s) {
            stream = s;
            s.write(LengthPrefixed.frame(request));
            s.closeWrite();
        }

        @Override
        public void onData(P2pStream s, byte[] data) {
            if (response.isDone()) {
                return;
            }
            try {
                List<byte[]> messages = reader.feed(data);
                if (!messages.isEmpty()) {
                    response.complete(messages.get(0));
                }
            } catch (IllegalArgumentException e) {
                response.completeExceptionally(new IllegalStateException("response from " + s.remotePeerId()
                        + " rejected: " + e.getMessage()));
                s.reset();
            }
        }

        @Override
        public void onClosed(P2pStream s) {
            response.completeExceptionally(new IllegalStateException(
                    "stream to " + s.remotePeerId() + " closed before a response"));
        }

        void abort() {
            P2pStream s = stream;
            if (s != null && s.isOpen()) {
                s.reset();
            }
        }
    }

    /** Server side of one exchange. */
    private final class Responder implements StreamHandler {
        private final Handler handler;
        private final LengthPrefixed reader = new LengthPrefixed(maxMessageSize);
        private boolean answered;

        Responder(Handler handler) {
            this.handler = handler;
        }

        @Override
        public void onData(P2pStream s, byte[] data) {
            if (answered) {
                return;
            }
            List<byte[]> messages;
            try {
                messages = reader.feed(data);
            } catch (IllegalArgumentException e) {
                LOG.debug("{} request from {} rejected: {}", protocol, s.remotePeerId(), e.getMessage());
                s.reset();
                return;
            }
            if (messages.isEmpty()) {
                return;
            }
            answered = true;
            CompletableFuture<byte[]> reply;
            try {
                reply = handler.handle(PeerId.parse(s.remotePeerId()), messages.get(0));
            } catch (RuntimeException e) {
                reply = CompletableFuture.failedFuture(e);
            }
            reply.whenComplete((response, e) -> {
                if (e != null || response == null || response.length > maxMessageSize) {
                    LOG.debug("{} handler gave no usable response", protocol, e);
                    s.reset();
                    return;
                }
                s.write(LengthPrefixed.frame(response)).exceptionally(err -> {
                    s.reset();
                    return null;
                });
                s.closeWrite();
            });
        }
    }
}
