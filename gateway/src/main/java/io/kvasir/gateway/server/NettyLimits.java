package io.kvasir.gateway.server;

import io.netty.handler.timeout.WriteTimeoutHandler;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Applies {@link ServerLimitsProperties} to the Reactor Netty server: the request-head deadline, body read
 * timeouts, and a write timeout that disconnects clients which stop reading (their generation is cancelled with
 * the connection). Nothing here holds a thread per connection.
 */
@Configuration(proxyBeanMethods = false)
public class NettyLimits {

    static final String REQUEST_HEAD_TIMEOUT = "kvasir.requestHeadTimeout";
    static final String WRITE_TIMEOUT = "kvasir.writeTimeout";
    static final String REQUEST_BYTES = "kvasir.requestBytes";

    @Bean
    NettyServerCustomizer kvasirNettyLimits(ServerLimitsProperties limits) {
        return server -> customize(server, limits);
    }

    static HttpServer customize(HttpServer server, ServerLimitsProperties limits) {
        long headNanos = limits.requestHeadTimeout().toNanos();
        long writeMillis = limits.writeTimeout().toMillis();
        return server
                .readTimeout(limits.readTimeout())
                .requestTimeout(limits.requestBodyTimeout())
                .doOnChannelInit((observer, channel, remoteAddress) -> {
                    var pipeline = channel.pipeline();
                    if (pipeline.get(NettyPipeline.HttpCodec) == null) {
                        throw new IllegalStateException("no HTTP/1.1 codec in the pipeline to guard: " + pipeline.names());
                    }
                    RequestHeadTimeoutHandler headTimeout = new RequestHeadTimeoutHandler(headNanos);
                    pipeline.addBefore(NettyPipeline.HttpCodec, REQUEST_BYTES, headTimeout.byteSniffer());
                    pipeline.addAfter(NettyPipeline.HttpCodec, REQUEST_HEAD_TIMEOUT, headTimeout);
                    pipeline.addFirst(WRITE_TIMEOUT, new WriteTimeoutHandler(writeMillis, TimeUnit.MILLISECONDS));
                });
    }
}
