package io.kvasir.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Slows repeated authentication failures from one client address (tenant keys and admin passwords alike):
 * the first {@code freeAttempts} failures are answered at once, each further one after a delay that doubles up
 * to {@code maxDelay}, and from {@code lockoutAfter} failures on the address gets 429 without its credentials
 * being checked, until {@code window} has passed since its first failure.
 *
 * <p>Invariants: memory is bounded ({@code maxTrackedClients} addresses, least recently seen dropped first);
 * delays are never negative and never above {@code maxDelay}; a success does not erase failures (an attacker
 * holding one valid key cannot reset its count).
 */
@Component
public class AuthFailureThrottle {

    private final AuthProperties.Failures policy;
    private final Clock clock;
    private final Cache<String, Failures> failuresByClient;

    @Autowired
    public AuthFailureThrottle(AuthProperties properties) {
        this(properties.failures(), Clock.systemUTC());
    }

    AuthFailureThrottle(AuthProperties.Failures policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
        this.failuresByClient = Caffeine.newBuilder().maximumSize(policy.maxTrackedClients()).build();
    }

    /** When the client is locked out, how long until it may try again. */
    public Optional<Duration> lockedOutFor(String client) {
        Failures failures = failuresByClient.getIfPresent(client);
        if (failures == null) {
            return Optional.empty();
        }
        synchronized (failures) {
            Instant now = clock.instant();
            failures.forgetIfExpired(now, policy.window());
            if (failures.count < policy.lockoutAfter()) {
                return Optional.empty();
            }
            return Optional.of(Duration.between(now, failures.windowStart.plus(policy.window())));
        }
    }

    /** Counts one failure and returns how long to wait before answering it. */
    public Duration recordFailure(String client) {
        Instant now = clock.instant();
        Failures failures = failuresByClient.get(client, c -> new Failures(now));
        int count;
        synchronized (failures) {
            failures.forgetIfExpired(now, policy.window());
            count = ++failures.count;
        }
        return delayAfter(count, policy);
    }

    /** The delay before answering the {@code numFailures}-th failure in a window. */
    static Duration delayAfter(int numFailures, AuthProperties.Failures policy) {
        int beyondFree = numFailures - policy.freeAttempts();
        if (beyondFree <= 0) {
            return Duration.ZERO;
        }
        long maxMillis = policy.maxDelay().toMillis();
        long millis = policy.baseDelay().toMillis();
        for (int i = 1; i < beyondFree && millis < maxMillis; i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxMillis));
    }

    /** Failures of one address within its current window; guarded by its own monitor. */
    private static final class Failures {
        private Instant windowStart;
        private int count;

        Failures(Instant windowStart) {
            this.windowStart = windowStart;
        }

        void forgetIfExpired(Instant now, Duration window) {
            if (!now.isBefore(windowStart.plus(window))) {
                windowStart = now;
                count = 0;
            }
        }
    }
}
