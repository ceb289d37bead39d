/**
 * An in-memory {@code PeerNetwork}: many nodes in one JVM joined by an
 * {@link io.colony.node.net.memory.InMemoryHub}, each running a real gossipsub router, with
 * pluggable link behaviour ({@link io.colony.node.net.memory.LinkModel}), partitions, and all
 * timing behind a {@link io.colony.node.time.Scheduler} (real time for tests, virtual time
 * for deterministic simulations).
 */
package io.colony.node.net.memory;
