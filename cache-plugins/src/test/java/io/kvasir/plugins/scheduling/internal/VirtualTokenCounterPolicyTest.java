package io.kvasir.plugins.scheduling.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.kvasir.plugins.scheduling.TestRequest;

class VirtualTokenCounterPolicyTest {

    private final VirtualTokenCounterPolicy policy = new VirtualTokenCounterPolicy(1, 2, 0);
    private final List<TestRequest> waiting = new ArrayList<>();

    private TestRequest arrive(String requestId, String tenantId) {
        TestRequest request = TestRequest.of(requestId, tenantId);
        policy.onArrival(request, 0);
        waiting.add(request);
        return request;
    }

    /** Picks and admits, as a scheduler with room would. */
    private TestRequest admit() {
        return waiting.remove(policy.pickNext(waiting, 0));
    }

    private double counter(String tenantId) {
        return policy.serviceByTenant().get(tenantId);
    }

    @Test
    void picksTheWaitingTenantWithTheSmallestCounter() {
        TestRequest a1 = arrive("a1", "A");
        arrive("b1", "B");
        policy.charge(a1, 100, 0, 0);
        assertThat(policy.pickNext(waiting, 0)).isEqualTo(1);
    }

    @Test
    void servesATenantsRequestsInQueueOrder() {
        TestRequest b1 = arrive("b1", "B");
        arrive("a1", "A");
        arrive("a2", "A");
        policy.charge(b1, 10, 0, 0);
        assertThat(policy.pickNext(waiting, 0)).isEqualTo(1);
    }

    @Test
    void equalCountersGoToTheTenantQueuedFirst() {
        arrive("b1", "B");
        arrive("a1", "A");
        assertThat(policy.pickNext(waiting, 0)).isZero();
    }

    @Test
    void chargesWeightedTokensDividedByTheTenantWeight() {
        TestRequest heavy = TestRequest.of("h", "H").withTenantWeight(2);
        policy.onArrival(heavy, 0);
        policy.charge(heavy, 10, 5, 3.0);
        assertThat(counter("H")).isCloseTo((1 * 10 + 2 * 5) / 2.0, within(1e-12));
    }

    @Test
    void theKvAwareVariantAlsoChargesBlockSeconds() {
        VirtualTokenCounterPolicy kvAware = new VirtualTokenCounterPolicy(1, 2, 0.5);
        TestRequest heavy = TestRequest.of("h", "H").withTenantWeight(2);
        kvAware.onArrival(heavy, 0);
        kvAware.charge(heavy, 10, 5, 3.0);
        assertThat(kvAware.serviceByTenant().get("H")).isCloseTo((10 + 2 * 5 + 0.5 * 3.0) / 2, within(1e-12));
        kvAware.charge(heavy, 0, 0, 40.0);
        assertThat(kvAware.serviceByTenant().get("H")).isCloseTo(10.75 + 0.5 * 40 / 2, within(1e-12));
    }

    @Test
    void aPickChargesThePromptInAdvanceSoOneStepsPicksAlternate() {
        for (int i = 0; i < 3; i++) {
            arrive("a" + i, "A");
        }
        for (int i = 0; i < 3; i++) {
            arrive("b" + i, "B");
        }
        List<String> admitted = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            admitted.add(admit().requestId());
        }
        assertThat(admitted).containsExactly("a0", "b0", "a1", "b1");
        assertThat(counter("A")).isEqualTo(200);
    }

    @Test
    void theAdvanceIsThePromptLessTheCachedPrefix() {
        TestRequest a1 = TestRequest.of("a1", "A").withCached(40).withTenantWeight(2);
        policy.onArrival(a1, 0);
        waiting.add(a1);
        admit();
        assertThat(counter("A")).isEqualTo(30);
    }

    @Test
    void chargedPromptTokensDrawOnTheAdvanceFirst() {
        TestRequest a1 = arrive("a1", "A");
        admit();
        policy.charge(a1, 60, 0, 0);
        assertThat(counter("A")).isEqualTo(100);
        policy.charge(a1, 50, 0, 0);
        assertThat(counter("A")).isEqualTo(110);
        policy.charge(a1, 0, 1, 0);
        assertThat(counter("A")).isEqualTo(112);
    }

    @Test
    void anUnusedAdvanceIsRefundedAtTheFirstGeneratedToken() {
        TestRequest a1 = arrive("a1", "A");
        admit();
        policy.charge(a1, 70, 1, 0);
        assertThat(counter("A")).isEqualTo(72);
        policy.charge(a1, 5, 1, 0);
        assertThat(counter("A")).isEqualTo(79);
    }

    @Test
    void anUnusedAdvanceIsRefundedWhenTheRequestLeaves() {
        TestRequest a1 = arrive("a1", "A");
        admit();
        policy.onFinished(a1);
        assertThat(counter("A")).isZero();
    }

    @Test
    void pickingARequestAgainWithoutAdmittingItChargesNoSecondAdvance() {
        arrive("a1", "A");
        policy.pickNext(waiting, 0);
        policy.pickNext(waiting, 0);
        assertThat(counter("A")).isEqualTo(100);
    }

    @Test
    void liftsATenantReturningFromIdleToTheSmallestCounterOfTheWaitingTenants() {
        TestRequest c1 = arrive("c1", "C");
        arrive("a1", "A");
        arrive("a2", "A");
        arrive("b1", "B");
        arrive("b2", "B");
        policy.charge(admit(), 100, 1, 0);
        policy.onFinished(c1);
        policy.charge(admit(), 500, 0, 0);
        policy.charge(admit(), 300, 0, 0);
        assertThat(waiting).extracting(TestRequest::requestId).containsExactly("a2", "b2");
        assertThat(counter("C")).isEqualTo(102);

        arrive("c2", "C");

        assertThat(counter("C")).isEqualTo(300);
        // C earned nothing while idle: it ties with B, which is queued first.
        assertThat(waiting.get(policy.pickNext(waiting, 0)).requestId()).isEqualTo("b2");
    }

    @Test
    void doesNotLiftATenantThatStillHasARunningRequest() {
        arrive("a1", "A");
        arrive("a2", "A");
        TestRequest c1 = arrive("c1", "C");
        policy.charge(admit(), 500, 0, 0);
        assertThat(admit()).isEqualTo(c1);
        policy.charge(c1, 100, 1, 0);

        arrive("c2", "C");

        assertThat(counter("C")).isEqualTo(102);
        assertThat(admit().requestId()).isEqualTo("c2");
    }

    @Test
    void theLiftNeverLowersACounter() {
        TestRequest c1 = arrive("c1", "C");
        arrive("a1", "A");
        policy.charge(c1, 1000, 0, 0);
        policy.onFinished(c1);
        waiting.remove(c1);
        arrive("c2", "C");
        assertThat(counter("C")).isEqualTo(1000);
    }

    @Test
    void withNobodyWaitingLiftsToTheTenantPickedLast() {
        TestRequest b1 = arrive("b1", "B");
        policy.charge(admit(), 100, 1, 0);
        policy.onFinished(b1);
        TestRequest a1 = arrive("a1", "A");
        // A new tenant is lifted too: nobody waits, so to B, picked last.
        assertThat(counter("A")).isEqualTo(102);
        assertThat(admit()).isEqualTo(a1);
        policy.charge(a1, 100, 1, 0);

        arrive("b2", "B");

        assertThat(counter("B")).isEqualTo(204);
    }

    @Test
    void aNewTenantStartsAtTheSmallestCounterOfTheWaitingTenants() {
        TestRequest a1 = arrive("a1", "A");
        TestRequest b1 = arrive("b1", "B");
        policy.charge(a1, 100, 0, 0);
        policy.charge(b1, 400, 0, 0);
        arrive("n1", "N");
        assertThat(counter("N")).isEqualTo(100);
    }

    @Test
    void aCancelledWaitingRequestOfANowIdleTenantStopsCountingAsWaiting() {
        TestRequest a1 = arrive("a1", "A");
        TestRequest b1 = arrive("b1", "B");
        policy.charge(a1, 500, 0, 0);
        policy.charge(b1, 100, 0, 0);
        policy.onFinished(b1);
        waiting.remove(b1);
        arrive("c1", "C");
        assertThat(counter("C")).isEqualTo(500);
    }

    @Test
    void learnsTenantsFromTheWaitingListWhenArrivalsWereNotReported() {
        TestRequest a1 = arrive("a1", "A");
        policy.charge(a1, 100, 0, 0);
        // A request queued before this policy was installed: its tenant starts level with A, not at 0.
        waiting.add(0, TestRequest.of("x1", "X"));
        assertThat(policy.pickNext(waiting, 0)).isZero();
        assertThat(counter("X")).isEqualTo(200);
    }

    @Test
    void serviceByTenantIsASortedSnapshot() {
        TestRequest b1 = arrive("b1", "B");
        arrive("a1", "A");
        var snapshot = policy.serviceByTenant();
        policy.charge(b1, 7, 0, 0);
        assertThat(snapshot).containsExactly(java.util.Map.entry("A", 0.0), java.util.Map.entry("B", 0.0));
        assertThat(policy.serviceByTenant()).containsEntry("B", 7.0);
        assertThatThrownBy(() -> snapshot.put("C", 1.0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void chargeRejectsNegativeAmountsAndNonPositiveTenantWeights() {
        TestRequest a1 = arrive("a1", "A");
        assertThatThrownBy(() -> policy.charge(a1, -1, 0, 0)).hasMessageContaining("numPromptTokens");
        assertThatThrownBy(() -> policy.charge(a1, 0, -1, 0)).hasMessageContaining("numGeneratedTokens");
        assertThatThrownBy(() -> policy.charge(a1, 0, 0, Double.NaN)).hasMessageContaining("blockSeconds");
        assertThatThrownBy(() -> policy.charge(a1, 0, 0, -0.5)).hasMessageContaining("blockSeconds");
        assertThatThrownBy(() -> policy.charge(a1.withTenantWeight(0), 1, 0, 0)).hasMessageContaining("tenantWeight of tenant A");
        assertThat(counter("A")).isZero();
    }

    @Test
    void rejectsNegativeOrAllZeroWeights() {
        assertThatThrownBy(() -> new VirtualTokenCounterPolicy(-1, 2, 0)).hasMessageContaining("inputWeight");
        assertThatThrownBy(() -> new VirtualTokenCounterPolicy(1, Double.NaN, 0)).hasMessageContaining("outputWeight");
        assertThatThrownBy(() -> new VirtualTokenCounterPolicy(1, 2, Double.POSITIVE_INFINITY)).hasMessageContaining("kvWeight");
        assertThatThrownBy(() -> new VirtualTokenCounterPolicy(0, 0, 0)).hasMessageContaining("all 0");
    }
}
