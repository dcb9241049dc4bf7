package io.kvasir.gateway.server;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Connection timeouts and the shutdown grace period ({@code kvasir.server.*}; RELIABILITY.md items 20 and 25).
 * Header and body size limits are Spring Boot's own ({@code server.max-http-request-header-size},
 * {@code spring.codec.max-in-memory-size}).
 *
 * @param requestHeadTimeout the longest a connection may take to deliver a complete request line and headers,
 *        counted from its opening or from the end of the previous response (slowloris, idle keep-alive
 *        connections); then it gets a 408 and is closed (default 10s)
 * @param readTimeout the longest gap between two reads of a request body (default 15s)
 * @param requestBodyTimeout the longest the whole request body may take to arrive (default 60s)
 * @param writeTimeout the longest one write to the client may stay pending: a client that stops reading a stream
 *        is disconnected, which cancels its generation (default 30s)
 * @param drainGracePeriod on shutdown, how long generations in flight may still run before they are ended with a
 *        final event; keep it below {@code spring.lifecycle.timeout-per-shutdown-phase} (default 30s)
 */
@ConfigurationProperties("kvasir.server")
public record ServerLimitsProperties(Duration requestHeadTimeout, Duration readTimeout, Duration requestBodyTimeout,
        Duration writeTimeout, Duration drainGracePeriod) {

    public ServerLimitsProperties {
        requestHeadTimeout = positive("request-head-timeout", requestHeadTimeout, Duration.ofSeconds(10));
        readTimeout = positive("read-timeout", readTimeout, Duration.ofSeconds(15));
        requestBodyTimeout = positive("request-body-timeout", requestBodyTimeout, Duration.ofSeconds(60));
        writeTimeout = positive("write-timeout", writeTimeout, Duration.ofSeconds(30));
        drainGracePeriod = drainGracePeriod == null ? Duration.ofSeconds(30) : drainGracePeriod;
        if (drainGracePeriod.isNegative()) {
            throw new IllegalArgumentException("kvasir.server.drain-grace-period must not be negative");
        }
    }

    private static Duration positive(String name, Duration value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("kvasir.server." + name + " must be positive, got " + value);
        }
        return value;
    }
}
