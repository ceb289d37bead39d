package io.colony.node.net.libp2p;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A multiaddr restricted to what Colony dials: {@code /ip4}, {@code /ip6}, {@code /dns},
 * {@code /dns4}, {@code /dns6}, {@code /tcp} and {@code /p2p}, in text and binary form.
 * Immutable.
 */
public final class Multiaddr {

    /** Largest binary multiaddr accepted from the network. */
    public static final int MAX_BYTES = 1024;

    /** The supported multiaddr protocols with their multicodec and value size (-1: varint-prefixed). */
    public enum Protocol {
        IP4(4, 4, "ip4"),
        TCP(6, 2, "tcp"),
        IP6(41, 16, "ip6"),
        DNS(53, -1, "dns"),
        DNS4(54, -1, "dns4"),
        DNS6(55, -1, "dns6"),
        P2P(421, -1, "p2p");

        final int code;
        final int size;
        final String label;

        Protocol(int code, int size, String label) {
            this.code = code;
            this.size = size;
            this.label = label;
        }

        static Protocol byCode(long code) {
            for (Protocol p : values()) {
                if (p.code == code) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unsupported multiaddr protocol code " + code);
        }

        static Protocol byLabel(String label) {
            for (Protocol p : values()) {
                if (p.label.equals(label)) {
                    return p;
                }
            }
            if (label.equals("ipfs")) {
                return P2P;
            }
            throw new IllegalArgumentException("unsupported multiaddr protocol '" + label + "'");
        }
    }

    /** One protocol/value pair. {@code value} is the binary value without length prefix. */
    public record Component(Protocol protocol, byte[] value) {
        /** The text form of the value. */
        public String valueText() {
            return switch (protocol) {
                case IP4, IP6 -> {
                    try {
                        yield InetAddress.getByAddress(value).getHostAddress();
                    } catch (UnknownHostException e) {
                        throw new IllegalStateException(e);
                    }
                }
                case TCP -> Integer.toString(((value[0] & 0xFF) << 8) | (value[1] & 0xFF));
                case DNS, DNS4, DNS6 -> new String(value, StandardCharsets.UTF_8);
                case P2P -> PeerId.fromBytes(value).toString();
            };
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Component c && c.protocol == protocol && Arrays.equals(c.value, value);
        }

        @Override
        public int hashCode() {
            return protocol.hashCode() * 31 + Arrays.hashCode(value);
        }
    }

    private final List<Component> components;
    private final byte[] bytes;

    private Multiaddr(List<Component> components) {
        this.components = List.copyOf(components);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Component c : components) {
            Varint.write(out, c.protocol.code);
            if (c.protocol.size < 0) {
                Varint.write(out, c.value.length);
            }
            out.writeBytes(c.value);
        }
        this.bytes = out.toByteArray();
    }

    /**
     * Parses the text form, e.g. {@code /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…}.
     *
     * @throws IllegalArgumentException with a one-line reason on bad input
     */
    public static Multiaddr parse(String text) {
        if (text == null || !text.startsWith("/") || text.length() > MAX_BYTES) {
            throw new IllegalArgumentException("not a multiaddr: '" + text + "'");
        }
        String[] parts = text.substring(1).split("/", -1);
        List<Component> out = new ArrayList<>();
        int i = 0;
        try {
            while (i < parts.length) {
                if (parts[i].isEmpty() && i == parts.length - 1) {
                    break;
                }
                Protocol p = Protocol.byLabel(parts[i]);
                if (i + 1 >= parts.length || parts[i + 1].isEmpty()) {
                    throw new IllegalArgumentException("missing value for /" + p.label);
                }
                out.add(new Component(p, valueFromText(p, parts[i + 1])));
                i += 2;
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a multiaddr: '" + text + "' (" + e.getMessage() + ")", e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("empty multiaddr");
        }
        return new Multiaddr(out);
    }

    /**
     * Parses the binary form.
     *
     * @throws IllegalArgumentException on malformed, truncated or unsupported input
     */
    public static Multiaddr fromBytes(byte[] data) {
        if (data.length > MAX_BYTES) {
            throw new IllegalArgumentException("multiaddr too long");
        }
        List<Component> out = new ArrayList<>();
        int pos = 0;
        while (pos < data.length) {
            Varint.Decoded code = Varint.decode(data, pos, data.length);
            if (code == null) {
                throw new IllegalArgumentException("truncated multiaddr");
            }
            pos += code.length();
            Protocol p = Protocol.byCode(code.value());
            int size = p.size;
            if (size < 0) {
                Varint.Decoded len = Varint.decode(data, pos, data.length);
                if (len == null) {
                    throw new IllegalArgumentException("truncated multiaddr");
                }
                pos += len.length();
                size = (int) Math.min(len.value(), Integer.MAX_VALUE);
            }
            if (pos + size > data.length || size < 0) {
                throw new IllegalArgumentException("truncated multiaddr");
            }
            byte[] value = Arrays.copyOfRange(data, pos, pos + size);
            if (p == Protocol.P2P) {
                PeerId.fromBytes(value);
            }
            out.add(new Component(p, value));
            pos += size;
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("empty multiaddr");
        }
        return new Multiaddr(out);
    }

    /** {@code /ip4|ip6/<address>/tcp/<port>} for a resolved socket address. */
    public static Multiaddr fromSocketAddress(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        Protocol p = ip instanceof Inet4Address ? Protocol.IP4 : Protocol.IP6;
        byte[] raw = ip instanceof Inet6Address v6 && v6.getScopeId() != 0
                ? Arrays.copyOf(ip.getAddress(), 16) : ip.getAddress();
        return new Multiaddr(List.of(new Component(p, raw), tcp(address.getPort())));
    }

    private static Component tcp(int port) {
        return new Component(Protocol.TCP, new byte[] {(byte) (port >>> 8), (byte) port});
    }

    private static byte[] valueFromText(Protocol p, String text) {
        switch (p) {
            case IP4 -> {
                if (!text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                    throw new IllegalArgumentException("bad ip4 address " + text);
                }
                return literal(text, 4);
            }
            case IP6 -> {
                if (!text.contains(":") || !text.matches("[0-9a-fA-F:.]+")) {
                    throw new IllegalArgumentException("bad ip6 address " + text);
                }
                return literal(text, 16);
            }
            case TCP -> {
                int port;
                try {
                    port = Integer.parseInt(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad tcp port " + text);
                }
                if (port < 0 || port > 65535) {
                    throw new IllegalArgumentException("bad tcp port " + text);
                }
                return tcp(port).value();
            }
            case DNS, DNS4, DNS6 -> {
                return text.getBytes(StandardCharsets.UTF_8);
            }
            case P2P -> {
                return PeerId.parse(text).toBytes();
            }
            default -> throw new IllegalArgumentException("unsupported " + p);
        }
    }

    private static byte[] literal(String text, int size) {
        try {
            byte[] raw = InetAddress.getByName(text).getAddress();
            if (raw.length != size) {
                throw new IllegalArgumentException("bad address " + text);
            }
            return raw;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address " + text);
        }
    }

    /** The components in order. */
    public List<Component> components() {
        return components;
    }

    /** The binary form. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The peer id of the trailing {@code /p2p} component, if any. */
    public Optional<PeerId> peerId() {
        for (int i = components.size() - 1; i >= 0; i--) {
            if (components.get(i).protocol == Protocol.P2P) {
                return Optional.of(PeerId.fromBytes(components.get(i).value));
            }
        }
        return Optional.empty();
    }

    /** This address with {@code /p2p/<peer>} appended (replacing an existing one). */
    public Multiaddr withPeerId(PeerId peer) {
        List<Component> out = new ArrayList<>(withoutPeerId().components);
        out.add(new Component(Protocol.P2P, peer.toBytes()));
        return new Multiaddr(out);
    }

    /** This address without its {@code /p2p} components. */
    public Multiaddr withoutPeerId() {
        List<Component> out = new ArrayList<>();
        for (Component c : components) {
            if (c.protocol != Protocol.P2P) {
                out.add(c);
            }
        }
        return out.size() == components.size() ? this : new Multiaddr(out);
    }

    /**
     * The TCP endpoint to dial: host (IP literal or DNS name, unresolved) and port.
     *
     * @throws IllegalArgumentException if this is not a host + tcp address
     */
    public InetSocketAddress toSocketAddress() {
        if (components.size() < 2 || components.get(1).protocol != Protocol.TCP) {
            throw new IllegalArgumentException("not a TCP address: " + this);
        }
        Component host = components.get(0);
        int port = Integer.parseInt(components.get(1).valueText());
        return switch (host.protocol) {
            case IP4, IP6 -> {
                try {
                    yield new InetSocketAddress(InetAddress.getByAddress(host.value), port);
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException(e.getMessage());
                }
            }
            case DNS, DNS4, DNS6 -> InetSocketAddress.createUnresolved(host.valueText(), port);
            default -> throw new IllegalArgumentException("not a TCP address: " + this);
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Component c : components) {
            sb.append('/').append(c.protocol.label).append('/').append(c.valueText());
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multiaddr m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
