package io.kvasir.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** RELIABILITY.md item 14: repeated failures from one address are slowed, then refused. */
class AuthFailureThrottleTest {

    private static final AuthProperties.Failures POLICY =
            new AuthProperties.Failures(3, Duration.ofMillis(100), Duration.ofSeconds(2), 10, Duration.ofMinutes(5), 100);

    private final MutableClock clock = new MutableClock();
    private final AuthFailureThrottle throttle = new AuthFailureThrottle(POLICY, clock);

    @Test
    void delayDoublesAfterTheFreeAttemptsUpToTheMaximum() {
        assertThat(AuthFailureThrottle.delayAfter(1, POLICY)).isZero();
        assertThat(AuthFailureThrottle.delayAfter(3, POLICY)).isZero();
        assertThat(AuthFailureThrottle.delayAfter(4, POLICY)).isEqualTo(Duration.ofMillis(100));
        assertThat(AuthFailureThrottle.delayAfter(5, POLICY)).isEqualTo(Duration.ofMillis(200));
        assertThat(AuthFailureThrottle.delayAfter(8, POLICY)).isEqualTo(Duration.ofMillis(1600));
        assertThat(AuthFailureThrottle.delayAfter(9, POLICY)).isEqualTo(Duration.ofSeconds(2));
        assertThat(AuthFailureThrottle.delayAfter(1_000_000, POLICY)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void locksAnAddressOutAfterManyFailuresUntilTheWindowEnds() {
        for (int i = 1; i < 10; i++) {
            throttle.recordFailure("10.0.0.1");
            assertThat(throttle.lockedOutFor("10.0.0.1")).isEmpty();
        }
        throttle.recordFailure("10.0.0.1");
        assertThat(throttle.lockedOutFor("10.0.0.1")).contains(Duration.ofMinutes(5));
        assertThat(throttle.lockedOutFor("10.0.0.2")).isEmpty();

        clock.advance(Duration.ofMinutes(4));
        assertThat(throttle.lockedOutFor("10.0.0.1")).contains(Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1));
        assertThat(throttle.lockedOutFor("10.0.0.1")).isEmpty();
        assertThat(throttle.recordFailure("10.0.0.1")).isZero();
    }

    @Test
    void failuresOfOneAddressDoNotSlowAnother() {
        for (int i = 0; i < 6; i++) {
            throttle.recordFailure("10.0.0.1");
        }
        assertThat(throttle.recordFailure("10.0.0.1")).isPositive();
        assertThat(throttle.recordFailure("10.0.0.2")).isZero();
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
