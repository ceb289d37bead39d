package io.colony.node.net.libp2p;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every yamux stream: negotiates the application protocol with
 * multistream-select, then hands the stream (and any bytes that followed) to the application's
 * handler. Streams that do not finish negotiating within the configured timeout are reset.
 */
final class StreamNegotiation implements StreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(StreamNegotiation.class);

    private final Multistream negotiation;
    private final Function<String, Supplier<StreamHandler>> lookup;
    private final StreamHandler dialerHandler;
    private final CompletableFuture<P2pStream> result;
    private boolean done;

    private StreamNegotiation(Multistream negotiation, Function<String, Supplier<StreamHandler>> lookup,
            StreamHandler dialerHandler, CompletableFuture<P2pStream> result) {
        this.negotiation = negotiation;
        this.lookup = lookup;
        this.dialerHandler = dialerHandler;
        this.result = result;
    }

    /** For a stream we open: proposes {@code protocol}; {@code result} completes once accepted. */
    static StreamNegotiation dialer(String protocol, StreamHandler handler, CompletableFuture<P2pStream> result) {
        return new StreamNegotiation(Multistream.dialer(protocol), null, handler, result);
    }

    /** For a stream the remote opens: accepts protocols that {@code lookup} has a handler for. */
    static StreamNegotiation listener(Function<String, Supplier<StreamHandler>> lookup) {
        return new StreamNegotiation(Multistream.listener(p -> lookup.apply(p) != null), lookup, null,
                new CompletableFuture<>());
    }

    @Override
    public void onOpen(P2pStream stream) {
        YamuxStream s = (YamuxStream) stream;
        s.session().schedule(() -> {
            if (!done && s.isOpen()) {
                LOG.debug("{}: protocol negotiation timed out", s);
                result.completeExceptionally(new TimeoutException("protocol negotiation timed out"));
                s.reset();
            }
        }, s.session().config().streamNegotiationTimeout());
        stream.write(negotiation.initialOutput());
    }

    @Override
    public void onData(P2pStream stream, byte[] data) {
        YamuxStream s = (YamuxStream) stream;
        Multistream.Step step;
        try {
            step = negotiation.onInput(data);
        } catch (Multistream.NegotiationException e) {
            LOG.debug("{}: {}", s, e.getMessage());
            result.completeExceptionally(e.refused()
                    ? new UnsupportedProtocolException(e.getMessage()) : new IllegalStateException(e.getMessage()));
            s.reset();
            return;
        }
        if (step.output().length > 0) {
            s.write(step.output());
        }
        if (step.done()) {
            done = true;
            StreamHandler app = dialerHandler != null ? dialerHandler : lookup.apply(step.selected()).get();
            s.negotiated(step.selected(), app);
            result.complete(s);
            try {
                app.onOpen(s);
                if (step.leftover().length > 0 && s.isOpen()) {
                    app.onData(s, step.leftover());
                }
            } catch (RuntimeException e) {
                LOG.debug("{}: handler failed on open", s, e);
                s.reset();
            }
        }
    }

    @Override
    public void onRemoteClose(P2pStream stream) {
        if (!done) {
            stream.reset();
        }
    }

    @Override
    public void onClosed(P2pStream stream) {
        result.completeExceptionally(new IllegalStateException("stream closed during protocol negotiation"));
    }
}
