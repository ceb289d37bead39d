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
import java.net.InetSocketAddress;
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
    private EventLoopGroup group;
    private Channel channel;

    /**
     * @param service the node behind the API
     * @param json    the mapper for request and response bodies
     * @param host    address to bind, e.g. {@code 127.0.0.1}
     * @param port    port to bind, 0 for any free port
     */
    public ApiServer(ColonyService service, ObjectMapper json, String host, int port) {
        this.routes = new ApiRoutes(service, json);
        this.json = json;
        this.host = host;
        this.requestedPort = port;
    }

    /** Binds and starts serving; returns once bound. */
    public synchronized void start() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(new IdleStateHandler(0, 0, ApiLimits.IDLE_SECONDS))
                                    .addLast(new HttpServerCodec(4096, ApiLimits.MAX_HEADER_BYTES, 64 * 1024))
                                    .addLast(new BoundedAggregator(json))
                                    .addLast(new HttpHandler(routes, json));
                        }
                    })
                    .bind(new InetSocketAddress(host, requestedPort)).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot listen on " + host + ":" + requestedPort + ": " + e.getMessage(), e);
        }
        log.info("HTTP API listening on http://{}:{}{}", host, port(), ApiRoutes.PREFIX);
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
