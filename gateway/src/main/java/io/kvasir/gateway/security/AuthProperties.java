package io.kvasir.gateway.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How tenant requests are authenticated ({@code kvasir.auth.*}).
 *
 * @param publicPaths path patterns served without an API key (health and metrics); everything else outside
 *        {@code /admin} needs one
 * @param keyCacheTtl how long a valid key stays cached; a key revoked on another replica keeps working here at
 *        most this long (revocation on this replica takes effect at once)
 * @param negativeCacheTtl how long an unknown key is remembered as unknown, sparing the database repeated
 *        lookups of the same wrong key
 * @param keyCacheSize the most keys cached, valid and unknown together
 * @param failures how repeated failures from one client address are slowed
 */
@ConfigurationProperties("kvasir.auth")
public record AuthProperties(
        @DefaultValue({"/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus"})
        List<String> publicPaths,
        @DefaultValue("60s") Duration keyCacheTtl,
        @DefaultValue("5s") Duration negativeCacheTtl,
        @DefaultValue("10000") int keyCacheSize,
        @DefaultValue Failures failures) {

    /**
     * Slowing repeated authentication failures from one client address.
     *
     * @param freeAttempts failures answered without delay
     * @param baseDelay the delay after the first failure beyond the free ones; it doubles with each further one
     * @param maxDelay the largest delay
     * @param lockoutAfter from this many failures on, the address gets 429 without its credentials being checked
     * @param window failures older than this are forgotten (and a lockout ends)
     * @param maxTrackedClients the most addresses remembered at once
     */
    public record Failures(
            @DefaultValue("3") int freeAttempts,
            @DefaultValue("100ms") Duration baseDelay,
            @DefaultValue("2s") Duration maxDelay,
            @DefaultValue("30") int lockoutAfter,
            @DefaultValue("5m") Duration window,
            @DefaultValue("100000") int maxTrackedClients) {

        public Failures {
            if (freeAttempts < 0 || lockoutAfter < 1 || baseDelay.isNegative() || maxDelay.isNegative()
                    || !window.isPositive() || maxTrackedClients < 1) {
                throw new IllegalArgumentException("kvasir.auth.failures: free-attempts >= 0, lockout-after >= 1,"
                        + " delays >= 0, window > 0 and max-tracked-clients >= 1 are required");
            }
        }
    }
}
