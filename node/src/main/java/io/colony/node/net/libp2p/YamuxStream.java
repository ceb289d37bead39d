package io.colony.node.net.libp2p;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One yamux stream. State lives on the connection's event loop; the public methods hop onto it.
 * Outbound data waits in a bounded queue until the remote's window allows sending it.
 */
final class YamuxStream implements P2pStream {

    /** Our half of the stream: open, closing once the queued writes are sent, or closed (FIN sent). */
    private enum WriteSide { OPEN, DRAINING, FIN_SENT }

    private static final Logger LOG = LoggerFactory.getLogger(YamuxStream.class);

    private final YamuxSession session;
    private final int id;
    private volatile String protocol;
    private StreamHandler handler;

    long sendWindow;
    long recvWindow;
    long recvConsumed;
    private final ArrayDeque<PendingWrite> pending = new ArrayDeque<>();
    private long pendingBytes;
    private volatile WriteSide writeSide = WriteSide.OPEN;
    private volatile boolean remoteClosed;
    private volatile boolean closed;

    YamuxStream(YamuxSession session, int id, StreamHandler handler, int window) {
        this.session = session;
        this.id = id;
        this.handler = handler;
        this.sendWindow = HostConfig.DEFAULT_YAMUX_WINDOW;
        this.recvWindow = window;
    }

    int id() {
        return id;
    }

    /** Sets the first handler of an inbound stream (event loop only). */
    void setHandler(StreamHandler handler) {
        this.handler = handler;
    }

    /** Switches to the application's handler once the protocol is negotiated (event loop only). */
    void negotiated(String protocol, StreamHandler appHandler) {
        this.protocol = protocol;
        this.handler = appHandler;
    }

    StreamHandler handler() {
        return handler;
    }

    YamuxSession session() {
        return session;
    }

    @Override
    public String remotePeerId() {
        return session.remotePeer().toString();
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public CompletableFuture<Void> write(byte[] data) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (!session.execute(() -> enqueue(data, f))) {
            f.completeExceptionally(new IllegalStateException("host is shutting down"));
        }
        return f;
    }

    private void enqueue(byte[] data, CompletableFuture<Void> f) {
        if (closed || writeSide != WriteSide.OPEN) {
            f.completeExceptionally(new IllegalStateException("stream closed for writing"));
            return;
        }
        if (pendingBytes + data.length > session.config().maxStreamBufferedBytes()) {
            f.completeExceptionally(new IllegalStateException("stream send buffer full ("
                    + pendingBytes + " bytes waiting for the remote's window)"));
            return;
        }
        if (session.pendingBytes + data.length > session.config().maxConnectionBufferedBytes()) {
            f.completeExceptionally(new IllegalStateException("connection send buffer full ("
                    + session.pendingBytes + " bytes waiting for the remote's windows)"));
            return;
        }
        if (data.length == 0) {
            f.complete(null);
            return;
        }
        pending.add(new PendingWrite(data, f));
        pendingBytes += data.length;
        session.pendingBytes += data.length;
        flush();
    }

    /** Sends as much queued data as the window allows (event loop only). */
    void flush() {
        boolean wrote = false;
        while (!pending.isEmpty() && sendWindow > 0 && !closed) {
            PendingWrite w = pending.peek();
            int n = (int) Math.min(Math.min(w.data.length - w.offset, sendWindow), YamuxSession.MAX_DATA_FRAME);
            session.writeData(id, w.data, w.offset, n);
            wrote = true;
            sendWindow -= n;
            w.offset += n;
            pendingBytes -= n;
            session.pendingBytes -= n;
            if (w.offset == w.data.length) {
                pending.poll();
                w.future.complete(null);
            }
        }
        if (pending.isEmpty() && writeSide == WriteSide.DRAINING && !closed) {
            writeSide = WriteSide.FIN_SENT;
            session.writeFlags(id, YamuxFrame.FIN);
            wrote = true;
            if (remoteClosed) {
                terminate();
            }
        }
        if (wrote) {
            session.flush();
        }
    }

    @Override
    public void closeWrite() {
        session.execute(() -> {
            if (!closed && writeSide != WriteSide.FIN_SENT) {
                writeSide = WriteSide.DRAINING;
                flush();
            }
        });
    }

    @Override
    public void reset() {
        session.execute(() -> {
            if (!closed) {
                session.writeFlags(id, YamuxFrame.RST);
                session.flush();
                terminate();
            }
        });
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    /** The remote's data arrived (event loop only). */
    void onData(byte[] data) {
        try {
            handler.onData(this, data);
        } catch (RuntimeException e) {
            LOG.debug("stream handler failed on {}; resetting stream", protocol, e);
            reset();
        }
    }

    /** The remote half-closed (event loop only). */
    void onRemoteFin() {
        if (remoteClosed || closed) {
            return;
        }
        remoteClosed = true;
        try {
            handler.onRemoteClose(this);
        } catch (RuntimeException e) {
            LOG.debug("stream handler failed on remote close", e);
        }
        if (writeSide == WriteSide.FIN_SENT) {
            terminate();
        }
    }

    /** Removes the stream, fails queued writes and notifies the handler once (event loop only). */
    void terminate() {
        if (closed) {
            return;
        }
        closed = true;
        session.removeStream(this);
        IllegalStateException gone = new IllegalStateException("stream closed");
        for (PendingWrite w : pending) {
            w.future.completeExceptionally(gone);
        }
        pending.clear();
        session.pendingBytes -= pendingBytes;
        pendingBytes = 0;
        try {
            handler.onClosed(this);
        } catch (RuntimeException e) {
            LOG.debug("stream handler failed on close", e);
        }
    }

    @Override
    public String toString() {
        return "YamuxStream[" + id + " " + protocol + " " + session.remotePeer() + "]";
    }

    private static final class PendingWrite {
        final byte[] data;
        final CompletableFuture<Void> future;
        int offset;

        PendingWrite(byte[] data, CompletableFuture<Void> future) {
            this.data = data;
            this.future = future;
        }
    }
}
