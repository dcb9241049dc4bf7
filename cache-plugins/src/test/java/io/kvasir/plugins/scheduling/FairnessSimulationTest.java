package io.kvasir.plugins.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kvasir.api.plugin.SchedulingPolicy;
import io.kvasir.api.plugin.SchedulingPolicyProvider;
import io.kvasir.plugins.scheduling.EngineSimulation.Result;
import io.kvasir.plugins.scheduling.EngineSimulation.Setup;
import io.kvasir.plugins.scheduling.EngineSimulation.TenantLoad;

/**
 * Two tenants kept backlogged in {@link EngineSimulation}, tenant A sending four times the requests of B:
 * VTC's fairness bound, weighted shares, FCFS's unfairness, and the throughput VTC costs.
 */
class FairnessSimulationTest {

    static final int NUM_STEPS = 4000;
    static final int PROMPT = 32;
    static final int GENERATED = 48;

    /** A sends 4 requests every 8 steps, B 1: together far beyond the 7 slots' 7/48 requests per step. */
    static List<TenantLoad> fourToOne(double weightA, double weightB) {
        return List.of(new TenantLoad("A", weightA, 4, PROMPT, GENERATED), new TenantLoad("B", weightB, 1, PROMPT, GENERATED));
    }

    static SchedulingPolicy policy(SchedulingPolicyProvider provider) {
        return provider.create(provider.configSchema().validate(Map.of()));
    }

    private static void assertBothBackloggedThroughout(Result result) {
        for (int step = 0; step < result.serviceByStep()[0].length; step++) {
            assertThat(result.backlogged()[0][step] && result.backlogged()[1][step]).as("both backlogged at step " + step).isTrue();
        }
    }

    /** The largest difference in weighted service (divided by tenant weight) over all steps. */
    private static double maxWeightedDifference(Result result) {
        double weightA = result.tenants().get(0).weight();
        double weightB = result.tenants().get(1).weight();
        double max = 0;
        for (int step = 0; step < result.serviceByStep()[0].length; step++) {
            max = Math.max(max, Math.abs(result.service(0, step) / weightA - result.service(1, step) / weightB));
        }
        return max;
    }

    private static double shareOfA(Result result) {
        return result.finalService(0) / (result.finalService(0) + result.finalService(1));
    }

    @Test
    void vtcKeepsTheServiceDifferenceOfBackloggedTenantsWithinThePapersBoundAtEveryStep() {
        Setup setup = Setup.defaults(NUM_STEPS);
        List<TenantLoad> tenants = fourToOne(1, 1);
        Result result = EngineSimulation.run(policy(new VtcPolicyProvider()), setup, tenants);
        assertBothBackloggedThroughout(result);
        double bound = setup.vtcBound(tenants);
        for (int step = 0; step < NUM_STEPS; step++) {
            assertThat(Math.abs(result.service(0, step) - result.service(1, step))).as("|service A - service B| at step " + step)
                    .isLessThanOrEqualTo(bound);
        }
        double perRequest = 2 * Math.max(setup.inputWeight() * PROMPT, setup.outputWeight() * GENERATED);
        double maxDifference = maxWeightedDifference(result);
        System.out.printf("vtc 4:1 load: max |service A - service B| = %.0f; bound %.0f (per-request variant %.0f); final A %.0f, B %.0f%n",
                maxDifference, bound, perRequest, result.finalService(0), result.finalService(1));
        assertThat(result.finalService(0)).isGreaterThan(10 * bound);
    }

    @ParameterizedTest(name = "{0} slots, A: {1}+{2} tokens, B: {3}+{4} tokens, A weighs {5}")
    @CsvSource({
            "3, 32, 48, 32, 48, 1",
            "5, 128, 8, 8, 64, 1",
            "8, 64, 32, 16, 80, 2",
            "7, 16, 100, 16, 100, 1",
            "13, 16, 100, 16, 100, 2",
    })
    void vtcKeepsThePapersBoundForOtherShapesAndSlotCounts(int numSlots, int promptA, int generatedA, int promptB,
            int generatedB, double weightA) {
        Setup setup = new Setup(numSlots, 8, 8, NUM_STEPS, 1, 2, 16, 0.05);
        List<TenantLoad> tenants = List.of(new TenantLoad("A", weightA, 4, promptA, generatedA),
                new TenantLoad("B", 1, 1, promptB, generatedB));
        Result result = EngineSimulation.run(policy(new VtcPolicyProvider()), setup, tenants);
        assertBothBackloggedThroughout(result);
        assertThat(maxWeightedDifference(result)).isLessThanOrEqualTo(setup.vtcBound(tenants));
        assertThat(result.finalService(0) / result.finalService(1)).isCloseTo(weightA, within(0.05 * weightA));
    }

    @Test
    void thePerRequestBoundDoesNotHoldWhenATenantGetsMoreSlotsThanTheOther() {
        // 3 slots: one tenant runs 2 requests while the other runs 1; their output is charged only as it is generated.
        Setup setup = new Setup(3, 8, 8, NUM_STEPS, 1, 2, 16, 0.05);
        Result result = EngineSimulation.run(policy(new VtcPolicyProvider()), setup, fourToOne(1, 1));
        assertBothBackloggedThroughout(result);
        double perRequest = 2 * Math.max(setup.inputWeight() * PROMPT, setup.outputWeight() * GENERATED);
        System.out.printf("vtc, 3 slots: max |service A - service B| = %.0f; per-request variant %.0f, bound %.0f%n",
                maxWeightedDifference(result), perRequest, setup.vtcBound(fourToOne(1, 1)));
        assertThat(maxWeightedDifference(result)).isGreaterThan(perRequest).isLessThanOrEqualTo(setup.vtcBound(fourToOne(1, 1)));
    }

    @Test
    void vtcSharesServiceInProportionToTenantWeights() {
        Setup setup = Setup.defaults(NUM_STEPS);
        List<TenantLoad> tenants = fourToOne(2, 1);
        Result result = EngineSimulation.run(policy(new VtcPolicyProvider()), setup, tenants);
        assertBothBackloggedThroughout(result);
        assertThat(maxWeightedDifference(result)).isLessThanOrEqualTo(setup.vtcBound(tenants));
        for (int step = NUM_STEPS / 4; step < NUM_STEPS; step += NUM_STEPS / 4) {
            assertThat(result.service(0, step) / result.service(1, step)).as("ratio at step " + step).isBetween(1.8, 2.2);
        }
        double finalRatio = result.finalService(0) / result.finalService(1);
        System.out.printf("vtc 4:1 load, weights 2:1: final service ratio %.3f%n", finalRatio);
        assertThat(finalRatio).isBetween(1.8, 2.2);
    }

    @Test
    void fcfsGivesTheHeavyTenantMostOfTheService() {
        Result result = EngineSimulation.run(policy(new FcfsPolicyProvider()), Setup.defaults(NUM_STEPS), fourToOne(1, 1));
        assertBothBackloggedThroughout(result);
        System.out.printf("fcfs 4:1 load: tenant A's share of the service %.3f%n", shareOfA(result));
        assertThat(shareOfA(result)).isBetween(0.78, 0.82);
        assertThat(maxWeightedDifference(result)).isGreaterThan(10 * Setup.defaults(NUM_STEPS).vtcBound(fourToOne(1, 1)));
    }

    @Test
    void vtcGivesEachBackloggedTenantHalfWhateverTheyAskFor() {
        Result result = EngineSimulation.run(policy(new VtcPolicyProvider()), Setup.defaults(NUM_STEPS), fourToOne(1, 1));
        assertThat(shareOfA(result)).isBetween(0.49, 0.51);
    }

    @Test
    void vtcThroughputIsWithinFivePercentOfFcfs() {
        Setup setup = Setup.defaults(NUM_STEPS);
        Result fcfs = EngineSimulation.run(policy(new FcfsPolicyProvider()), setup, fourToOne(1, 1));
        Result vtc = EngineSimulation.run(policy(new VtcPolicyProvider()), setup, fourToOne(1, 1));
        System.out.printf("tokens processed: fcfs %d, vtc %d; requests finished: fcfs %d, vtc %d%n",
                fcfs.numTokensProcessed(), vtc.numTokensProcessed(), fcfs.numRequestsFinished(), vtc.numRequestsFinished());
        assertThat((double) vtc.numTokensProcessed()).isBetween(0.95 * fcfs.numTokensProcessed(), 1.05 * fcfs.numTokensProcessed());
        assertThat((double) vtc.numRequestsFinished()).isBetween(0.95 * fcfs.numRequestsFinished(), 1.05 * fcfs.numRequestsFinished());
    }

    @Test
    void vtcKvMakesTheTenantHoldingMoreCachePerTokenPayForIt() {
        Setup setup = Setup.defaults(NUM_STEPS);
        // The same token cost per request (256 + 2 × 32 = 64 + 2 × 128 = 320), but B keeps its cache four times as long.
        List<TenantLoad> tenants = List.of(new TenantLoad("A", 1, 1, 256, 32), new TenantLoad("B", 1, 1, 64, 128));
        // About output_weight × tokens per second / blocks held here: 2 × 140 / ~80 (see docs/plugins/scheduling.md).
        double kvWeight = 4.0;
        SchedulingPolicyProvider kvProvider = new KvAwareVtcPolicyProvider();
        SchedulingPolicy kvAware = kvProvider.create(kvProvider.configSchema().validate(Map.of("kv_weight", kvWeight)));
        Result plain = EngineSimulation.run(policy(new VtcPolicyProvider()), setup, tenants);
        Result charged = EngineSimulation.run(kvAware, setup, tenants);
        assertBothBackloggedThroughout(charged);
        int last = NUM_STEPS - 1;
        double blockSecondsA = charged.blockSecondsByStep()[0][last];
        double blockSecondsB = charged.blockSecondsByStep()[1][last];
        assertThat(blockSecondsB / charged.finalService(1)).isGreaterThan(1.5 * blockSecondsA / charged.finalService(0));
        System.out.printf("B's token share: vtc %.3f, vtc-kv %.3f%n", 1 - shareOfA(plain), 1 - shareOfA(charged));
        assertThat(shareOfA(plain)).isBetween(0.48, 0.52);
        assertThat(1 - shareOfA(charged)).isLessThan(1 - shareOfA(plain) - 0.03);
        // vtc-kv equalises token service plus kv_weight × block-seconds instead.
        double totalA = charged.finalService(0) + kvWeight * blockSecondsA;
        double totalB = charged.finalService(1) + kvWeight * blockSecondsB;
        assertThat(totalA / totalB).isBetween(0.97, 1.03);
    }
}
