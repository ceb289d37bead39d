package io.colony.node.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Netty glue: hands aggregated requests to {@link ApiRoutes} and writes JSON replies. */
final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(HttpHandler.class);

    private final ApiRoutes routes;
    private final ObjectMapper json;
    private final RequestGate gate;

    HttpHandler(ApiRoutes routes, ObjectMapper json, RequestGate gate) {
        this.routes = routes;
        this.json = json;
        this.gate = gate;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            write(ctx, false, new ApiError(400, "malformed HTTP request", null));
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        byte[] body = ByteBufUtil.getBytes(req.content());
        try {
            gate.check(req.method().name(), req.uri(), req.headers()::get, body);
        } catch (ApiError refused) {
            write(ctx, keepAlive && refused.status() != 421, refused);
            return;
        }
        // replies are serialised on this connection's event loop, not on the thread that completed them
        routes.handle(req.method().name(), req.uri(), body).whenCompleteAsync((reply, err) -> {
            if (err == null) {
                write(ctx, keepAlive, reply);
            } else {
                write(ctx, keepAlive, err);
            }
        }, ctx.executor());
    }

    private void write(ChannelHandlerContext ctx, boolean keepAlive, Throwable err) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        ApiError e;
        if (cause instanceof ApiError a) {
            e = a;
        } else {
            log.warn("internal error serving a request", cause);
            e = new ApiError(500, "internal error: " + cause.getClass().getSimpleName(), null);
        }
        FullHttpResponse resp = response(json, HttpResponseStatus.valueOf(e.status()), errorBody(e));
        if (e.retryAfterSeconds() > 0) {
            resp.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        send(ctx, keepAlive, resp);
    }

    private void write(ChannelHandlerContext ctx, boolean keepAlive, Reply reply) {
        if (reply.body() instanceof EventStream stream) {
            stream(ctx, stream);
            return;
        }
        send(ctx, keepAlive, response(json, HttpResponseStatus.valueOf(reply.status()), reply.body()));
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse resp) {
        if (keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(resp);
        } else {
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Streams server-sent events: headers now, each frame as a chunk, a comment line every
     * {@link ApiLimits#EVENT_KEEPALIVE_SECONDS}; the connection closes when the stream ends or times out.
     */
    private void stream(ChannelHandlerContext ctx, EventStream stream) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        head.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        HttpUtil.setTransferEncodingChunked(head, true);
        // the stream ends by closing the connection: say so, or a client pools it and its next
        // request meets a closed socket
        head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(head);
        Channel ch = ctx.channel();
        ScheduledFuture<?> keepAlive = ctx.executor().scheduleAtFixedRate(
                () -> ch.writeAndFlush(chunk(": keep-alive\n\n")), ApiLimits.EVENT_KEEPALIVE_SECONDS,
                ApiLimits.EVENT_KEEPALIVE_SECONDS, TimeUnit.SECONDS);
        ScheduledFuture<?> timeout = ctx.executor().schedule(() -> {
            stream.event("timeout", "{}");
            stream.end();
        }, stream.maxMillis(), TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(f -> {
            keepAlive.cancel(false);
            timeout.cancel(false);
            stream.cancel();
        });
        stream.attach(frame -> ch.writeAndFlush(chunk(frame)),
                () -> ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE));
    }

    private static HttpContent chunk(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection error: {}", cause.toString());
        ctx.close();
    }

    static Map<String, Object> errorBody(ApiError e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", e.getMessage());
        m.put("field", e.field());
        return m;
    }

    static FullHttpResponse response(ObjectMapper json, HttpResponseStatus status, Object body) {
        if (body instanceof Reply.Text t) {
            byte[] text = t.text().getBytes(StandardCharsets.UTF_8);
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(text));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, t.contentType());
            resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, text.length);
            return resp;
        }
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
            bytes = "{\"error\":\"internal error: cannot encode reply\",\"field\":null}".getBytes();
        }
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        if (body != null) {
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        }
        resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return resp;
    }
}
