package io.colony.node.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.channel.ChannelHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's HTTP API server (Netty): JSON over HTTP/1.1 on a loopback address by default. */
public final class ApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final ApiRoutes routes;
    private final ObjectMapper json;
    private final String host;
    private final int requestedPort;
    private final ApiSettings settings;
    private final RequestGate gate;
    private final ConnectionGuard guard;
    private final ApiTls tls;
    private EventLoopGroup group;
    private Channel channel;

    /**
     * @param service  the node behind the API
     * @param json     the mapper for request and response bodies
     * @param host     address to bind, e.g. {@code 127.0.0.1}
     * @param port     port to bind, 0 for any free port
     * @param settings TLS, allowed hosts and limits
     * @param members  who may call the API (fed by the node's ledger)
     * @param tls      the certificate to serve when {@code settings} turn TLS on, else null
     * @throws IllegalStateException one line when a non-loopback address is asked for without TLS or
     *                               {@link ApiSettings#insecure()}
     */
    public ApiServer(ColonyService service, ObjectMapper json, String host, int port, ApiSettings settings,
            ApiMembers members, ApiTls tls) {
        if (settings.tlsOn() != (tls != null)) {
            throw new IllegalArgumentException("TLS settings and certificate disagree");
        }
        if (tls == null && !settings.insecure() && !isLoopback(host)) {
            throw new IllegalStateException("refusing to serve the HTTP API on " + host + " without TLS: use --api-tls"
                    + " (or --api-tls-cert/--api-tls-key), or --insecure-api on a trusted network");
        }
        this.routes = new ApiRoutes(service, json);
        this.json = json;
        this.host = host;
        this.requestedPort = port;
        this.settings = settings;
        this.tls = tls;
        this.gate = new RequestGate(settings, members, host, json, System::currentTimeMillis);
        this.guard = new ConnectionGuard(settings.maxConnections(), settings.readTimeoutMs());
    }

    /** True if {@code host} names only loopback addresses. */
    static boolean isLoopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Binds and starts serving; returns once bound. */
    public synchronized void start() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ChannelHandler counter = guard.counter();
        try {
            channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelHandler[] timer = guard.readTimeout();
                            ch.pipeline().addLast(counter);
                            if (tls != null) {
                                ch.pipeline().addLast(tls.context().newHandler(ch.alloc()));
                            }
                            ch.pipeline()
                                    .addLast(timer[0])
                                    .addLast(new IdleStateHandler(0, 0, ApiLimits.IDLE_SECONDS))
                                    .addLast(new HttpServerCodec(4096, ApiLimits.MAX_HEADER_BYTES, 64 * 1024))
                                    .addLast(new BoundedAggregator(json))
                                    .addLast(timer[1])
                                    .addLast(new HttpHandler(routes, json, gate));
                        }
                    })
                    .bind(new InetSocketAddress(host, requestedPort)).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot listen on " + host + ":" + requestedPort + ": " + e.getMessage(), e);
        }
        log.info("HTTP API listening on {}://{}:{}{}{}", tls == null ? "http" : "https", host, port(), ApiRoutes.PREFIX,
                tls == null ? "" : " (TLS certificate sha256 " + tls.fingerprint() + ")");
    }

    /** The SHA-256 fingerprint of the served TLS certificate, or null for plain HTTP. */
    public String tlsFingerprint() {
        return tls == null ? null : tls.fingerprint();
    }

    /** Connections open now. */
    public int openConnections() {
        return guard.open();
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The bound host. */
    public String host() {
        return host;
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
