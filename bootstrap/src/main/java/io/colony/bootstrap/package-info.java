/** The bootstrap peer's entry point ({@link io.colony.bootstrap.BootstrapMain}); the peer itself is {@code colony bootstrap}. */
package io.colony.bootstrap;
