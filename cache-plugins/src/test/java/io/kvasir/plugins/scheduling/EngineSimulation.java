package io.kvasir.plugins.scheduling;

import java.util.ArrayList;
import java.util.List;

import io.kvasir.api.plugin.SchedulingPolicy;
import io.kvasir.api.plugin.SchedulingPolicy.Candidate;

/**
 * A small discrete-time engine for fairness experiments, deterministic (no randomness, no clock).
 *
 * <p>The engine has {@code numSlots} request slots. Every {@code periodSteps} steps each tenant sends its
 * {@code requestsPerPeriod} requests ({@code numInitialPeriods} times as many at step 0). Each step: arrivals join the queue ({@code onArrival}); free slots are
 * filled by {@code pickNext}; every running request computes one token (its whole prompt and first token in
 * its first step, then one generated token per step) and is charged for it, with the KV blocks it holds for
 * the step's duration; a request that generated all its tokens leaves ({@code onFinished}).
 */
final class EngineSimulation {

    /** A tenant's traffic: identical requests. */
    record TenantLoad(String tenantId, double weight, int requestsPerPeriod, int numPromptTokens, int numGeneratedTokens) {
    }

    /**
     * @param numInitialPeriods how many periods' requests each tenant sends at step 0, so that tenants are backlogged
     *     from the start
     * @param inputWeight and {@code outputWeight}: how the simulation measures service (as VTC's defaults do)
     */
    record Setup(int numSlots, int periodSteps, int numInitialPeriods, int numSteps, double inputWeight, double outputWeight,
            int blockSize, double stepSeconds) {

        /**
         * 7 slots (an odd number, so two tenants cannot split them evenly); arrivals every 8 steps, 8 periods'
         * worth at step 0; blocks of 16 tokens; 50 ms steps; service weights 1 and 2.
         */
        static Setup defaults(int numSteps) {
            return new Setup(7, 8, 8, numSteps, 1, 2, 16, 0.05);
        }

        /**
         * VTC's fairness bound, {@code 2 × max(inputWeight × L_input, outputWeight × M)}, with {@code M} the
         * most tokens the running batch holds (all slots at the longest context), as in the paper's theorem.
         */
        double vtcBound(List<TenantLoad> tenants) {
            int maxPrompt = 0;
            int maxContext = 0;
            for (TenantLoad load : tenants) {
                maxPrompt = Math.max(maxPrompt, load.numPromptTokens());
                maxContext = Math.max(maxContext, load.numPromptTokens() + load.numGeneratedTokens());
            }
            return 2 * Math.max(inputWeight * maxPrompt, outputWeight * numSlots * maxContext);
        }
    }

    /**
     * What each tenant received.
     *
     * @param serviceByStep {@code [tenant][step]}: weighted token service {@code inputWeight × prompt + outputWeight × generated}
     *     received up to and including the step (not divided by the tenant weight)
     * @param blockSecondsByStep {@code [tenant][step]}: KV block-seconds held up to and including the step
     * @param backlogged {@code [tenant][step]}: whether the tenant had a request waiting after the step's admissions
     * @param numTokensProcessed prompt and generated tokens of all tenants
     */
    record Result(List<TenantLoad> tenants, double[][] serviceByStep, double[][] blockSecondsByStep, boolean[][] backlogged,
            long numTokensProcessed, int numRequestsFinished) {

        double service(int tenant, int step) {
            return serviceByStep[tenant][step];
        }

        double finalService(int tenant) {
            return serviceByStep[tenant][serviceByStep[tenant].length - 1];
        }
    }

    private static final class SimRequest implements Candidate {
        final String requestId;
        final int tenant;
        final TenantLoad load;
        final long arrivalNanos;
        int numGenerated;

        SimRequest(String requestId, int tenant, TenantLoad load, long arrivalNanos) {
            this.requestId = requestId;
            this.tenant = tenant;
            this.load = load;
            this.arrivalNanos = arrivalNanos;
        }

        @Override
        public String requestId() {
            return requestId;
        }

        @Override
        public String tenantId() {
            return load.tenantId();
        }

        @Override
        public double tenantWeight() {
            return load.weight();
        }

        @Override
        public int priority() {
            return 0;
        }

        @Override
        public long arrivalNanos() {
            return arrivalNanos;
        }

        @Override
        public int numPromptTokens() {
            return load.numPromptTokens();
        }

        @Override
        public int numCachedPrefixTokens() {
            return 0;
        }
    }

    private EngineSimulation() {
    }

    static Result run(SchedulingPolicy policy, Setup setup, List<TenantLoad> tenants) {
        int numTenants = tenants.size();
        double[][] service = new double[numTenants][setup.numSteps()];
        double[][] blockSeconds = new double[numTenants][setup.numSteps()];
        boolean[][] backlogged = new boolean[numTenants][setup.numSteps()];
        double[] serviceSoFar = new double[numTenants];
        double[] blockSecondsSoFar = new double[numTenants];
        List<SimRequest> waiting = new ArrayList<>();
        List<SimRequest> running = new ArrayList<>();
        long numTokens = 0;
        int numFinished = 0;
        int numRequests = 0;
        long stepNanos = (long) (setup.stepSeconds() * 1e9);
        for (int step = 0; step < setup.numSteps(); step++) {
            long now = step * stepNanos;
            if (step % setup.periodSteps() == 0) {
                int numPeriods = step == 0 ? setup.numInitialPeriods() : 1;
                for (int t = 0; t < numTenants; t++) {
                    for (int k = 0; k < numPeriods * tenants.get(t).requestsPerPeriod(); k++) {
                        SimRequest request = new SimRequest("r" + numRequests++, t, tenants.get(t), now);
                        policy.onArrival(request, now);
                        waiting.add(request);
                    }
                }
            }
            while (running.size() < setup.numSlots() && !waiting.isEmpty()) {
                running.add(waiting.remove(policy.pickNext(waiting, now)));
            }
            for (int i = 0; i < running.size(); i++) {
                SimRequest request = running.get(i);
                int numPrompt = request.numGenerated == 0 ? request.load.numPromptTokens() : 0;
                request.numGenerated++;
                int numContext = request.load.numPromptTokens() + request.numGenerated;
                double held = Math.ceilDiv(numContext, setup.blockSize()) * setup.stepSeconds();
                policy.charge(request, numPrompt, 1, held);
                serviceSoFar[request.tenant] += setup.inputWeight() * numPrompt + setup.outputWeight();
                blockSecondsSoFar[request.tenant] += held;
                numTokens += numPrompt + 1;
            }
            for (int i = running.size() - 1; i >= 0; i--) {
                SimRequest request = running.get(i);
                if (request.numGenerated == request.load.numGeneratedTokens()) {
                    running.remove(i);
                    policy.onFinished(request);
                    numFinished++;
                }
            }
            for (int t = 0; t < numTenants; t++) {
                service[t][step] = serviceSoFar[t];
                blockSeconds[t][step] = blockSecondsSoFar[t];
            }
            for (int i = 0; i < waiting.size(); i++) {
                backlogged[waiting.get(i).tenant][step] = true;
            }
        }
        return new Result(List.copyOf(tenants), service, blockSeconds, backlogged, numTokens, numFinished);
    }
}
