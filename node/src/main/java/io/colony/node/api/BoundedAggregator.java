package io.colony.node.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;

/** Aggregates request bodies up to {@link ApiLimits#MAX_BODY_BYTES}; larger ones get a JSON 413 and a close. */
final class BoundedAggregator extends HttpObjectAggregator {

    private final ObjectMapper json;

    BoundedAggregator(ObjectMapper json) {
        super(ApiLimits.MAX_BODY_BYTES, true);
        this.json = json;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ApiError e = new ApiError(413, "request body larger than " + ApiLimits.MAX_BODY_BYTES + " bytes", "body");
        ctx.writeAndFlush(HttpHandler.response(json, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, HttpHandler.errorBody(e)))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
