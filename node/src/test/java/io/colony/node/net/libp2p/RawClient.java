package io.colony.node.net.libp2p;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * A blocking, hand-driven libp2p client for hostile-input tests: it can stop at any layer of the
 * upgrade and then write arbitrary bytes (raw or Noise-encrypted).
 */
final class RawClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private NoiseHandshake.Session session;

    RawClient(Multiaddr address) throws IOException {
        socket = new Socket();
        socket.connect(address.toSocketAddress(), 5000);
        socket.setSoTimeout(5000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void writeRaw(byte[] data) throws IOException {
        out.write(data);
        out.flush();
    }

    /** Negotiates {@code /noise} with multistream-select (raw). */
    void negotiateNoise() throws Exception {
        writeRaw(Multistream.dialer(NoiseHandshake.PROTOCOL_ID).initialOutput());
        expectRaw(Multistream.encode(Multistream.PROTOCOL_ID));
        expectRaw(Multistream.encode(NoiseHandshake.PROTOCOL_ID));
    }

    /** Runs the whole upgrade up to a ready yamux session (no stream opened). */
    void upgrade(Ed25519KeyPair identity) throws Exception {
        negotiateNoise();
        NoiseHandshake hs = new NoiseHandshake(true, new NoiseHandshake.StaticIdentity(identity));
        writeFrame(hs.writeMessage1());
        hs.readMessage2(readFrame());
        writeFrame(hs.writeMessage3());
        session = hs.split();
        writeEncrypted(Multistream.dialer(YamuxSession.PROTOCOL_ID).initialOutput());
        byte[] expected = concat(Multistream.encode(Multistream.PROTOCOL_ID), Multistream.encode(YamuxSession.PROTOCOL_ID));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (got.size() < expected.length) {
            got.writeBytes(readEncrypted());
        }
        if (!java.util.Arrays.equals(expected, got.toByteArray())) {
            throw new IOException("unexpected muxer negotiation reply");
        }
    }

    void writeFrame(byte[] frame) throws IOException {
        writeRaw(ByteBuffer.allocate(2 + frame.length).putShort((short) frame.length).put(frame).array());
    }

    byte[] readFrame() throws IOException {
        int len = in.readUnsignedShort();
        byte[] b = new byte[len];
        in.readFully(b);
        return b;
    }

    void writeEncrypted(byte[] plain) throws IOException {
        writeFrame(session.sender().encrypt(new byte[0], plain, 0, plain.length));
    }

    byte[] readEncrypted() throws Exception {
        byte[] c = readFrame();
        return session.receiver().decrypt(new byte[0], c, 0, c.length);
    }

    /** A yamux frame header followed by {@code payload}. */
    static byte[] yamux(int type, int flags, int streamId, long length, byte[] payload) {
        return ByteBuffer.allocate(12 + payload.length).put((byte) 0).put((byte) type).putShort((short) flags)
                .putInt(streamId).putInt((int) length).put(payload).array();
    }

    private void expectRaw(byte[] expected) throws IOException {
        byte[] got = new byte[expected.length];
        in.readFully(got);
        if (!java.util.Arrays.equals(expected, got)) {
            throw new IOException("unexpected bytes from the host");
        }
    }

    /** True once the remote has closed the connection (EOF or reset) within the socket timeout. */
    boolean closedByRemote() {
        try {
            InputStream s = socket.getInputStream();
            byte[] buf = new byte[4096];
            while (true) {
                if (s.read(buf) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
