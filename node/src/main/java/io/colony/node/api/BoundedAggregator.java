package io.colony.node.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.TimeUnit;

/**
 * Aggregates request bodies up to {@link ApiLimits#MAX_BODY_BYTES}. A larger request gets a JSON 413
 * at once; the rest of its body is discarded (so the client can read the answer) and the connection
 * is closed when the request ends, or after {@link #DISCARD_SECONDS} at the latest.
 */
final class BoundedAggregator extends HttpObjectAggregator {

    private static final int DISCARD_SECONDS = 10;
    private final ObjectMapper json;
    private boolean closeAfterRequest;

    BoundedAggregator(ObjectMapper json) {
        super(ApiLimits.MAX_BODY_BYTES, false);
        this.json = json;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ApiError e = new ApiError(413, "request body larger than " + ApiLimits.MAX_BODY_BYTES + " bytes", "body");
        FullHttpResponse resp = HttpHandler.response(json, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                HttpHandler.errorBody(e));
        resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(resp);
        closeAfterRequest = true;
        ctx.executor().schedule(() -> ctx.close(), DISCARD_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        boolean last = msg instanceof LastHttpContent;
        super.channelRead(ctx, msg);
        if (closeAfterRequest && last) {
            ctx.close();
        }
    }
}
