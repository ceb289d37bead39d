package io.colony.node.net.libp2p;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.colony.node.net.libp2p.pb.Identify.Builder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /ipfs/id/1.0.0} and {@code /ipfs/id/push/1.0.0}: one length-prefixed {@code Identify}
 * message per stream. The responder writes ours and closes; the reader (the dialer of an identify
 * stream, or the receiver of a push) parses, checks the key against the connection's peer and
 * reports the result.
 */
final class Identify {

    static final String PROTOCOL_VERSION = "ipfs/0.1.0";
    /** Largest identify message accepted. */
    static final int MAX_MESSAGE = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(Identify.class);

    private Identify() {
    }

    /** Our identify message for a connection whose remote end is {@code observed}. */
    static byte[] message(Libp2pHost host, Multiaddr observed) {
        Builder b = io.colony.node.net.libp2p.pb.Identify.newBuilder()
                .setProtocolVersion(PROTOCOL_VERSION)
                .setAgentVersion(host.config().agentVersion())
                .setPublicKey(ByteString.copyFrom(PeerId.encodeEd25519PublicKey(host.config().identity().publicKey())))
                .addAllProtocols(host.protocols());
        if (observed != null) {
            b.setObservedAddr(ByteString.copyFrom(observed.toBytes()));
        }
        for (Multiaddr a : host.listenAddresses()) {
            b.addListenAddrs(ByteString.copyFrom(a.withoutPeerId().toBytes()));
        }
        return b.build().toByteArray();
    }

    /**
     * Handler that writes our identify message and half-closes: the identify responder, and the
     * initiator of an identify push.
     */
    static StreamHandler responder(Libp2pHost host) {
        return new StreamHandler() {
            @Override
            public void onOpen(P2pStream stream) {
                Multiaddr observed = ((YamuxStream) stream).session().remoteAddress();
                stream.write(LengthPrefixed.frame(message(host, observed)));
                stream.closeWrite();
            }

            @Override
            public void onData(P2pStream stream, byte[] data) {
                // the dialer sends nothing; ignore
            }
        };
    }

    /** Handler that reads one identify message and passes it to {@code sink} (identify dialer or push receiver). */
    static StreamHandler reader(int maxMessage, BiConsumer<PeerId, IdentifyInfo> sink) {
        return new StreamHandler() {
            private final LengthPrefixed reader = new LengthPrefixed(maxMessage);
            private boolean done;

            @Override
            public void onData(P2pStream stream, byte[] data) {
                if (done) {
                    return;
                }
                List<byte[]> messages;
                try {
                    messages = reader.feed(data);
                } catch (IllegalArgumentException e) {
                    LOG.debug("identify from {}: {}", stream.remotePeerId(), e.getMessage());
                    stream.reset();
                    return;
                }
                if (!messages.isEmpty()) {
                    done = true;
                    PeerId peer = PeerId.parse(stream.remotePeerId());
                    parse(peer, messages.get(0)).ifPresent(info -> sink.accept(peer, info));
                    stream.closeWrite();
                }
            }
        };
    }

    /** Parses an identify message; empty if malformed or if its key is not the peer's. */
    static Optional<IdentifyInfo> parse(PeerId peer, byte[] message) {
        io.colony.node.net.libp2p.pb.Identify id;
        try {
            id = io.colony.node.net.libp2p.pb.Identify.parseFrom(message);
        } catch (InvalidProtocolBufferException e) {
            LOG.debug("malformed identify message from {}", peer);
            return Optional.empty();
        }
        byte[] key = id.getPublicKey().toByteArray();
        if (id.hasPublicKey() && !peer.matches(key)) {
            LOG.debug("identify from {} carries someone else's key", peer);
            return Optional.empty();
        }
        List<Multiaddr> addrs = new ArrayList<>();
        for (ByteString a : id.getListenAddrsList()) {
            try {
                addrs.add(Multiaddr.fromBytes(a.toByteArray()));
            } catch (IllegalArgumentException e) {
                LOG.trace("skipping unsupported listen address from {}", peer);
            }
        }
        Optional<Multiaddr> observed = Optional.empty();
        if (id.hasObservedAddr()) {
            try {
                observed = Optional.of(Multiaddr.fromBytes(id.getObservedAddr().toByteArray()));
            } catch (IllegalArgumentException e) {
                LOG.trace("unsupported observed address from {}", peer);
            }
        }
        return Optional.of(new IdentifyInfo(key, addrs, id.getProtocolsList(), observed,
                id.getProtocolVersion(), id.getAgentVersion()));
    }
}
