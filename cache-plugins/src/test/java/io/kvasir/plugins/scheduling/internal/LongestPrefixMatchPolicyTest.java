package io.kvasir.plugins.scheduling.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.kvasir.plugins.scheduling.TestRequest;

class LongestPrefixMatchPolicyTest {

    @Test
    void picksTheLongestCachedPrefix() {
        LongestPrefixMatchPolicy policy = new LongestPrefixMatchPolicy(32);
        List<TestRequest> waiting = List.of(TestRequest.of("a", "t").withCached(16), TestRequest.of("b", "t").withCached(64),
                TestRequest.of("c", "t").withCached(32));
        assertThat(policy.pickNext(waiting, 0)).isEqualTo(1);
    }

    @Test
    void keepsQueueOrderAmongEqualPrefixes() {
        LongestPrefixMatchPolicy policy = new LongestPrefixMatchPolicy(32);
        List<TestRequest> waiting = List.of(TestRequest.of("a", "t").withCached(16), TestRequest.of("b", "t").withCached(48),
                TestRequest.of("c", "t").withCached(48));
        assertThat(policy.pickNext(waiting, 0)).isEqualTo(1);
        assertThat(policy.pickNext(List.of(TestRequest.of("x", "t"), TestRequest.of("y", "t")), 0)).isZero();
    }

    @Test
    void countsAPassOverOnlyForRequestsAheadOfThePick() {
        LongestPrefixMatchPolicy policy = new LongestPrefixMatchPolicy(32);
        List<TestRequest> waiting = List.of(TestRequest.of("a", "t"), TestRequest.of("b", "t").withCached(64), TestRequest.of("c", "t"));
        for (TestRequest request : waiting) {
            policy.onArrival(request, 0);
        }
        policy.pickNext(waiting, 0);
        assertThat(policy.numSkips("a")).isEqualTo(1);
        assertThat(policy.numSkips("b")).isZero();
        assertThat(policy.numSkips("c")).isZero();
    }

    @Test
    void aRequestPassedOverMaxSkipsTimesGoesFirst() {
        int maxSkips = 3;
        LongestPrefixMatchPolicy policy = new LongestPrefixMatchPolicy(maxSkips);
        TestRequest cold = TestRequest.of("cold", "t");
        policy.onArrival(cold, 0);
        List<TestRequest> waiting = new ArrayList<>(List.of(cold));
        List<String> admitted = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            // Cache-friendly traffic keeps arriving behind the cold request.
            TestRequest warm = TestRequest.of("warm" + i, "t").withCached(64);
            policy.onArrival(warm, 0);
            waiting.add(warm);
            TestRequest picked = waiting.remove(policy.pickNext(waiting, 0));
            admitted.add(picked.requestId());
            policy.onFinished(picked);
        }
        assertThat(admitted).containsExactly("warm0", "warm1", "warm2", "cold", "warm3", "warm4");
        assertThat(policy.numTrackedRequests()).isEqualTo(1);
    }

    @Test
    void theEarliestStarvedRequestGoesFirstEvenWithLessCached() {
        LongestPrefixMatchPolicy policy = new LongestPrefixMatchPolicy(1);
        List<TestRequest> waiting = List.of(TestRequest.of("a", "t"), TestRequest.of("b", "t").withCached(8),
                TestRequest.of("c", "t").withCached(64));
        for (TestRequest request : waiting) {
            policy.onArrival(request, 0);
        }
        assertThat(policy.pickNext(waiting, 0)).isEqualTo(2);
        // a and b were each passed over once; a is ahead.
        assertThat(policy.pickNext(waiting.subList(0, 2), 0)).isZero();
    }

    @Test
    void tracksRequestsItWasNeverToldAboutOnceTheyArePassedOver() {
        LongestPrefixMatchPolicy policy = new LongestPrefixMatchPolicy(2);
        List<TestRequest> waiting = List.of(TestRequest.of("old", "t"), TestRequest.of("new", "t").withCached(32));
        policy.pickNext(waiting, 0);
        assertThat(policy.pickNext(waiting, 0)).isEqualTo(1);
        assertThat(policy.pickNext(waiting, 0)).isZero();
    }

    @Test
    void forgetsFinishedRequests() {
        LongestPrefixMatchPolicy policy = new LongestPrefixMatchPolicy(5);
        TestRequest a = TestRequest.of("a", "t");
        policy.onArrival(a, 0);
        policy.pickNext(List.of(a, TestRequest.of("b", "t").withCached(1)), 0);
        assertThat(policy.numSkips("a")).isEqualTo(1);
        policy.onFinished(a);
        assertThat(policy.numSkips("a")).isZero();
        assertThat(policy.numTrackedRequests()).isZero();
    }

    @Test
    void rejectsMaxSkipsBelowOne() {
        assertThatThrownBy(() -> new LongestPrefixMatchPolicy(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxSkips");
    }
}
