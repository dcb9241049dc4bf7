package io.kvasir.plugins.scheduling.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.kvasir.plugins.scheduling.TestRequest;

/**
 * Random arrivals, admissions, charges and completions, checked after every operation against a plain
 * VTC that recomputes everything from the true waiting and running lists.
 */
class VirtualTokenCounterReferenceTest {

    private static final String[] TENANTS = {"t0", "t1", "t2", "t3"};
    private static final double[] TENANT_WEIGHTS = {1, 2, 0.5, 1};

    /** The paper's algorithm, written for clarity rather than speed. */
    private static final class ReferenceVtc {
        final double inputWeight;
        final double outputWeight;
        final double kvWeight;
        final Map<String, Double> counters = new HashMap<>();
        final Map<String, Integer> advanceTokens = new HashMap<>();
        String lastPicked;

        ReferenceVtc(double inputWeight, double outputWeight, double kvWeight) {
            this.inputWeight = inputWeight;
            this.outputWeight = outputWeight;
            this.kvWeight = kvWeight;
        }

        void arrive(TestRequest request, List<TestRequest> waiting, List<TestRequest> running) {
            String tenant = request.tenantId();
            boolean idle = waiting.stream().noneMatch(r -> r.tenantId().equals(tenant))
                    && running.stream().noneMatch(r -> r.tenantId().equals(tenant));
            if (!idle) {
                return;
            }
            double target = waiting.stream().filter(r -> !r.tenantId().equals(tenant))
                    .mapToDouble(r -> counters.get(r.tenantId())).min()
                    .orElse(lastPicked == null ? 0 : counters.get(lastPicked));
            counters.merge(tenant, target, Math::max);
            counters.merge(tenant, 0.0, Math::max);
        }

        int pick(List<TestRequest> waiting) {
            int best = 0;
            for (int i = 1; i < waiting.size(); i++) {
                if (counters.get(waiting.get(i).tenantId()) < counters.get(waiting.get(best).tenantId())) {
                    best = i;
                }
            }
            TestRequest picked = waiting.get(best);
            lastPicked = picked.tenantId();
            int estimate = Math.max(0, picked.numPromptTokens() - picked.numCachedPrefixTokens());
            int topUp = estimate - advanceTokens.getOrDefault(picked.requestId(), 0);
            if (topUp > 0) {
                counters.merge(picked.tenantId(), inputWeight * topUp / picked.tenantWeight(), Double::sum);
                advanceTokens.put(picked.requestId(), estimate);
            }
            return best;
        }

        void charge(TestRequest request, int numPrompt, int numGenerated, double blockSeconds) {
            int advance = advanceTokens.getOrDefault(request.requestId(), 0);
            int prepaid = Math.min(numPrompt, advance);
            advanceTokens.put(request.requestId(), advance - prepaid);
            if (numGenerated > 0) {
                refund(request);
            }
            counters.merge(request.tenantId(),
                    (inputWeight * (numPrompt - prepaid) + outputWeight * numGenerated + kvWeight * blockSeconds) / request.tenantWeight(),
                    Double::sum);
        }

        void finish(TestRequest request) {
            refund(request);
        }

        private void refund(TestRequest request) {
            int unused = advanceTokens.getOrDefault(request.requestId(), 0);
            counters.merge(request.tenantId(), -inputWeight * unused / request.tenantWeight(), Double::sum);
            advanceTokens.remove(request.requestId());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
            26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50})
    void agreesWithThePlainAlgorithmAfterEveryOperation(int seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double kvWeight = seed % 2 == 0 ? 0 : 0.25;
        VirtualTokenCounterPolicy policy = new VirtualTokenCounterPolicy(1, 2, kvWeight);
        ReferenceVtc reference = new ReferenceVtc(1, 2, kvWeight);
        List<TestRequest> waiting = new ArrayList<>();
        List<TestRequest> running = new ArrayList<>();
        Set<String> tenantsSeen = new HashSet<>();
        int numRequests = 0;
        for (int op = 0; op < 400; op++) {
            String context = "seed " + seed + ", operation " + op;
            int kind = random.nextInt(10);
            if (kind < 3 || waiting.isEmpty() && running.isEmpty()) {
                int t = random.nextInt(TENANTS.length);
                int numPrompt = random.nextInt(1, 300);
                TestRequest request = new TestRequest("r" + numRequests++, TENANTS[t], TENANT_WEIGHTS[t], 0, op, numPrompt,
                        random.nextInt(2) == 0 ? 0 : random.nextInt(numPrompt + 1));
                reference.arrive(request, waiting, running);
                policy.onArrival(request, 0);
                waiting.add(request);
            } else if (kind < 6 && !waiting.isEmpty()) {
                int expected = reference.pick(waiting);
                assertThat(policy.pickNext(waiting, 0)).as(context).isEqualTo(expected);
                running.add(waiting.remove(expected));
            } else if (kind < 9 && !running.isEmpty()) {
                TestRequest request = running.get(random.nextInt(running.size()));
                int numPrompt = random.nextInt(4) == 0 ? random.nextInt(1, 200) : 0;
                // Prompt tokens do not follow generated ones; the advance is refunded at the first generated token.
                int numGenerated = random.nextInt(2);
                double blockSeconds = random.nextDouble(0, 2);
                reference.charge(request, numPrompt, numGenerated, blockSeconds);
                policy.charge(request, numPrompt, numGenerated, blockSeconds);
            } else if (!running.isEmpty()) {
                TestRequest request = running.remove(random.nextInt(running.size()));
                reference.finish(request);
                policy.onFinished(request);
            }
            Map<String, Double> counters = policy.serviceByTenant();
            assertThat(counters.keySet()).as(context).isEqualTo(reference.counters.keySet());
            for (Map.Entry<String, Double> entry : counters.entrySet()) {
                assertThat(entry.getValue()).as(context + ", tenant " + entry.getKey())
                        .isCloseTo(reference.counters.get(entry.getKey()), within(1e-6))
                        .isGreaterThanOrEqualTo(-1e-9);
            }
            tenantsSeen.addAll(counters.keySet());
        }
        assertThat(tenantsSeen).as("seed " + seed + " exercised several tenants").hasSizeGreaterThan(1);
    }
}
