package io.colony.node.net.gossip;

/** Source of time for the router, in milliseconds. Injected so simulations can run on virtual time. */
@FunctionalInterface
public interface Clock {

    long nowMillis();
}
