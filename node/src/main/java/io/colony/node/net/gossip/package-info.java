/**
 * Gossipsub v1.1 for Colony. {@link io.colony.node.net.gossip.GossipRouter} is the protocol as a
 * pure, deterministic state machine (inputs: peers, RPCs, local subscribe/publish, heartbeats;
 * outputs: RPCs to send and messages to deliver); {@link io.colony.node.net.gossip.GossipService}
 * makes it thread-safe for the {@code PeerNetwork} implementations. Signing goes through
 * {@link io.colony.node.net.gossip.MessageSigner}: the libp2p side's
 * {@link io.colony.node.net.libp2p.Ed25519Signer} on real networks,
 * {@link io.colony.node.net.gossip.InsecureSigner} in simulations.
 *
 * <p>This package uses no transport, only the gossipsub wire messages ({@code net.libp2p.pb}): the
 * networks adapt to it (they implement {@link io.colony.node.net.gossip.GossipService.Transport}
 * and a signer), never the other way round.
 */
package io.colony.node.net.gossip;
