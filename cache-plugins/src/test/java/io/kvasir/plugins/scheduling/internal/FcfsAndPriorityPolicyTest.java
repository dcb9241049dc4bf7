package io.kvasir.plugins.scheduling.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.kvasir.plugins.scheduling.TestRequest;

class FcfsAndPriorityPolicyTest {

    private static final TestRequest A = TestRequest.of("a", "t1");
    private static final TestRequest B = TestRequest.of("b", "t2");
    private static final TestRequest C = TestRequest.of("c", "t1");

    @Test
    void fcfsPicksTheHeadOfTheQueueWhateverTheRequests() {
        FcfsPolicy policy = new FcfsPolicy();
        assertThat(policy.pickNext(List.of(A.withPriority(-5), B.withPriority(9).withCached(90), C), 0)).isZero();
        assertThat(policy.pickNext(List.of(C), 0)).isZero();
        assertThat(policy.serviceByTenant()).isEmpty();
    }

    @Test
    void everyPolicyRejectsAnEmptyQueue() {
        assertThatThrownBy(() -> new FcfsPolicy().pickNext(List.of(), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("waiting must not be empty");
        assertThatThrownBy(() -> new PriorityPolicy().pickNext(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LongestPrefixMatchPolicy(3).pickNext(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VirtualTokenCounterPolicy(1, 2, 0).pickNext(List.of(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void priorityPicksTheHighestPriority() {
        PriorityPolicy policy = new PriorityPolicy();
        assertThat(policy.pickNext(List.of(A.withPriority(1), B.withPriority(7), C.withPriority(3)), 0)).isEqualTo(1);
        assertThat(policy.pickNext(List.of(A.withPriority(-3), B.withPriority(-1), C.withPriority(-2)), 0)).isEqualTo(1);
    }

    @Test
    void priorityKeepsQueueOrderWithinAPriority() {
        PriorityPolicy policy = new PriorityPolicy();
        assertThat(policy.pickNext(List.of(A.withPriority(1), B.withPriority(5), C.withPriority(5)), 0)).isEqualTo(1);
        assertThat(policy.pickNext(List.of(A, B, C), 0)).isZero();
    }
}
