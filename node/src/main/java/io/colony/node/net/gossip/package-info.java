/**
 * Gossipsub v1.1 for Colony. {@link io.colony.node.net.gossip.GossipRouter} is the protocol as a
 * pure, deterministic state machine (inputs: peers, RPCs, local subscribe/publish, heartbeats;
 * outputs: RPCs to send and messages to deliver); {@link io.colony.node.net.gossip.GossipService}
 * makes it thread-safe for the {@code PeerNetwork} implementations. Signing goes through
 * {@link io.colony.node.net.gossip.MessageSigner}: {@link io.colony.node.net.gossip.Ed25519Signer}
 * on real networks, {@link io.colony.node.net.gossip.InsecureSigner} in simulations.
 */
package io.colony.node.net.gossip;
