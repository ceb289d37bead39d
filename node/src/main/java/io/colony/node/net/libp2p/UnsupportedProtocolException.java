package io.colony.node.net.libp2p;

/** The remote answered {@code na}: it does not serve the protocol we proposed on a stream. */
public final class UnsupportedProtocolException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** @param message names the protocol */
    public UnsupportedProtocolException(String message) {
        super(message);
    }
}
