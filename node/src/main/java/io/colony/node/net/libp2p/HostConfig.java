package io.colony.node.net.libp2p;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of a {@link Libp2pHost}: identity, listen addresses and the limits that bound what
 * remote peers can make us hold. Build with {@link #builder(Ed25519KeyPair)}.
 *
 * @param identity the host's identity key pair
 * @param listenAddresses {@code /ip4|ip6/…/tcp/<port>} addresses to bind (port 0 picks a free port)
 * @param maxConnections connections (inbound + outbound) held at once; more are refused
 * @param maxStreamsPerConnection concurrently open yamux streams per connection (each direction)
 * @param handshakeTimeout deadline for the whole upgrade (security + muxer negotiation) of a connection
 * @param streamNegotiationTimeout deadline for protocol negotiation of one stream
 * @param idleTimeout a connection without any open application stream for this long is closed
 *     ({@link Duration#ZERO} disables)
 * @param keepAliveInterval every open connection is pinged this often; one that does not answer
 *     within {@code streamNegotiationTimeout} is closed ({@link Duration#ZERO} disables)
 * @param maxMessageSize largest single length-prefixed message (identify, request/response default)
 * @param maxStreamBufferedBytes outbound bytes queued on one stream beyond the peer's window before
 *     writes fail
 * @param maxConnectionBufferedBytes the same bound over all streams of one connection
 * @param yamuxWindow initial and maximum per-stream receive window (the spec's default is 256 KiB)
 * @param agentVersion what identify reports as our agent
 * @param eventLoopGroup a shared Netty group, or {@code null} to let the host own one
 */
public record HostConfig(
        Ed25519KeyPair identity,
        List<Multiaddr> listenAddresses,
        int maxConnections,
        int maxStreamsPerConnection,
        Duration handshakeTimeout,
        Duration streamNegotiationTimeout,
        Duration idleTimeout,
        Duration keepAliveInterval,
        int maxMessageSize,
        int maxStreamBufferedBytes,
        int maxConnectionBufferedBytes,
        int yamuxWindow,
        String agentVersion,
        EventLoopGroup eventLoopGroup) {

    /** The yamux spec's initial stream window. */
    public static final int DEFAULT_YAMUX_WINDOW = 256 * 1024;

    /** Validates the limits. */
    public HostConfig {
        Objects.requireNonNull(identity, "identity");
        listenAddresses = List.copyOf(listenAddresses);
        if (maxConnections < 1 || maxStreamsPerConnection < 1 || maxMessageSize < 64
                || maxStreamBufferedBytes < 1 || maxConnectionBufferedBytes < 1 || yamuxWindow < DEFAULT_YAMUX_WINDOW) {
            throw new IllegalArgumentException("invalid host limits");
        }
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(streamNegotiationTimeout, "streamNegotiationTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        Objects.requireNonNull(agentVersion, "agentVersion");
    }

    /** A builder with sensible defaults and no listen address. */
    public static Builder builder(Ed25519KeyPair identity) {
        return new Builder(identity);
    }

    /** Builder of {@link HostConfig}. */
    public static final class Builder {
        private final Ed25519KeyPair identity;
        private final List<Multiaddr> listen = new ArrayList<>();
        private int maxConnections = 256;
        private int maxStreamsPerConnection = 256;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration streamNegotiationTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ZERO;
        private Duration keepAliveInterval = Duration.ofSeconds(15);
        private int maxMessageSize = 4 * 1024 * 1024;
        private int maxStreamBufferedBytes = 8 * 1024 * 1024;
        private int maxConnectionBufferedBytes = 32 * 1024 * 1024;
        private int yamuxWindow = DEFAULT_YAMUX_WINDOW;
        private String agentVersion = "colony/" + Libp2pHost.VERSION;
        private EventLoopGroup eventLoopGroup;

        private Builder(Ed25519KeyPair identity) {
            this.identity = identity;
        }

        /** Adds a listen address, e.g. {@code /ip4/127.0.0.1/tcp/0}. */
        public Builder listen(String multiaddr) {
            listen.add(Multiaddr.parse(multiaddr));
            return this;
        }

        /** Adds a listen address. */
        public Builder listen(Multiaddr multiaddr) {
            listen.add(multiaddr);
            return this;
        }

        /** Sets {@link HostConfig#maxConnections()}. */
        public Builder maxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        /** Sets {@link HostConfig#maxStreamsPerConnection()}. */
        public Builder maxStreamsPerConnection(int n) {
            this.maxStreamsPerConnection = n;
            return this;
        }

        /** Sets {@link HostConfig#handshakeTimeout()}. */
        public Builder handshakeTimeout(Duration d) {
            this.handshakeTimeout = d;
            return this;
        }

        /** Sets {@link HostConfig#streamNegotiationTimeout()}. */
        public Builder streamNegotiationTimeout(Duration d) {
            this.streamNegotiationTimeout = d;
            return this;
        }

        /** Sets {@link HostConfig#idleTimeout()}. */
        public Builder idleTimeout(Duration d) {
            this.idleTimeout = d;
            return this;
        }

        /** Sets {@link HostConfig#keepAliveInterval()}. */
        public Builder keepAliveInterval(Duration d) {
            this.keepAliveInterval = d;
            return this;
        }

        /** Sets {@link HostConfig#maxMessageSize()}. */
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        /** Sets {@link HostConfig#maxStreamBufferedBytes()}. */
        public Builder maxStreamBufferedBytes(int bytes) {
            this.maxStreamBufferedBytes = bytes;
            return this;
        }

        /** Sets {@link HostConfig#maxConnectionBufferedBytes()}. */
        public Builder maxConnectionBufferedBytes(int bytes) {
            this.maxConnectionBufferedBytes = bytes;
            return this;
        }

        /** Sets {@link HostConfig#yamuxWindow()}. */
        public Builder yamuxWindow(int bytes) {
            this.yamuxWindow = bytes;
            return this;
        }

        /** Sets {@link HostConfig#agentVersion()}. */
        public Builder agentVersion(String agent) {
            this.agentVersion = agent;
            return this;
        }

        /** Shares an event loop group; the host will not shut it down. */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.eventLoopGroup = group;
            return this;
        }

        /** The configuration; throws {@link IllegalArgumentException} on invalid limits. */
        public HostConfig build() {
            return new HostConfig(identity, listen, maxConnections, maxStreamsPerConnection, handshakeTimeout,
                    streamNegotiationTimeout, idleTimeout, keepAliveInterval, maxMessageSize, maxStreamBufferedBytes, maxConnectionBufferedBytes,
                    yamuxWindow,
                    agentVersion, eventLoopGroup);
        }
    }
}
