package io.kvasir.gateway.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that does not deliver a complete request head (request line and headers) in time: from
 * the moment it opens, and again from the end of each response while it is kept alive (RELIABILITY.md item 20).
 * A slowloris client that has started a request and trickles its header bytes gets a 408 in OpenAI's error shape
 * and loses the connection; a connection that sent nothing of a next request is just closed (an unsolicited
 * response there would be read as the answer to the client's next request).
 *
 * <p>Sits right after the HTTP codec; its {@link #byteSniffer()} sits right before it and notes raw bytes. All
 * state is touched on the channel's event loop only.
 */
final class RequestHeadTimeoutHandler extends ChannelDuplexHandler {

    private static final byte[] BODY = ("{\"error\":{\"message\":\"The request headers did not arrive in time.\","
            + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"request_timeout\"}}")
            .getBytes(StandardCharsets.US_ASCII);

    private final long timeoutNanos;
    private ScheduledFuture<?> timer;
    private boolean bytesSinceArmed;

    /** The companion to install before the HTTP codec: it tells this handler when request bytes arrive. */
    ChannelInboundHandlerAdapter byteSniffer() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf buf && buf.isReadable()) {
                    bytesSinceArmed = true;
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    RequestHeadTimeoutHandler(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            disarm();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent) {
            ChannelPromise tracked = promise.unvoid();
            tracked.addListener(done -> {
                if (done.isSuccess() && ctx.channel().isActive()) {
                    arm(ctx);
                }
            });
            ctx.write(msg, tracked);
            return;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }

    private void arm(ChannelHandlerContext ctx) {
        disarm();
        bytesSinceArmed = false;
        timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (!bytesSinceArmed) {
            ctx.close();
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
                Unpooled.wrappedBuffer(BODY));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
