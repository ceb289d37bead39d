/**
 * The libp2p transport stack on Netty, wire compatible with other libp2p implementations
 * (tested against js-libp2p).
 *
 * <p>A TCP connection is upgraded as the libp2p connections spec describes:
 * multistream-select 1.0 ({@code /multistream/1.0.0}) selects {@code /noise}; the Noise
 * {@code XX_25519_ChaChaPoly_SHA256} handshake authenticates both Ed25519 identities; the
 * {@link io.colony.node.net.libp2p.ConnectionGate} decides whether the peer may stay;
 * multistream-select selects {@code /yamux/1.0.0}; every yamux stream then negotiates its
 * application protocol with multistream-select again. On top: identify ({@code /ipfs/id/1.0.0},
 * push), ping ({@code /ipfs/ping/1.0.0}) and {@link io.colony.node.net.libp2p.RequestResponse}.
 *
 * <p>Entry point: {@link io.colony.node.net.libp2p.Libp2pHost}, configured with
 * {@link io.colony.node.net.libp2p.HostConfig}. Everything a remote sends is bounded: noise frames
 * (65535 bytes), multistream messages (1 KiB), yamux frames and windows, streams per connection,
 * queued outbound bytes per stream and per connection, connections, and the time a handshake or
 * a stream negotiation may take. A peer that breaks a rule loses its connection (or stream); the
 * host keeps serving everyone else.
 */
package io.colony.node.net.libp2p;
