package io.kvasir.plugins.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import io.kvasir.api.plugin.EvictionPolicy;
import io.kvasir.api.plugin.EvictionPolicyProvider;
import org.junit.jupiter.api.Test;

/**
 * Every policy against a plain reference implementation (boxed lists, full sorts, the rules as the docs
 * state them) over random caches: a prompt, then decode steps that append a slot, accumulate or redraw
 * scores and compact the cache to what the policy kept. Checks the result's invariants after every step.
 */
class EvictionReferenceTest {

    private static final int NUM_SEEDS = 300;

    /** A random configuration; the budget fraction is whole per mille so the reference can compute it exactly. */
    record Config(String policy, int budgetTokens, int budgetPermille, int evictChunk, int sinkTokens,
            double recentFraction, String score, double decay, int window, int kernelSize, String pooling) {

        EvictionPolicy create() {
            EvictionPolicyProvider provider = switch (policy) {
                case "none" -> new NoEvictionProvider();
                case "streaming" -> new StreamingLlmProvider();
                case "h2o" -> new HeavyHitterProvider();
                default -> new SnapKvProvider();
            };
            if (policy.equals("none")) {
                return EvictionFixtures.policy(provider);
            }
            List<Object> values = new ArrayList<>(List.of("budget_tokens", budgetTokens,
                    "budget_fraction", budgetPermille / 1000.0, "evict_chunk", evictChunk));
            switch (policy) {
                case "streaming" -> values.addAll(List.of("sink_tokens", sinkTokens));
                case "h2o" -> values.addAll(List.of("recent_fraction", recentFraction, "score", score, "decay", decay));
                default -> values.addAll(List.of("window", window, "kernel_size", kernelSize, "pooling", pooling));
            }
            return EvictionFixtures.policy(provider, values.toArray());
        }

        static Config random(SplittableRandom random) {
            String policy = List.of("none", "streaming", "h2o", "snapkv", "snapkv").get(random.nextInt(5));
            return new Config(policy,
                    random.nextBoolean() ? 0 : 1 + random.nextInt(random.nextBoolean() ? 8 : 200),
                    1 + random.nextInt(1000),
                    random.nextInt(4) == 0 ? 0 : random.nextInt(40),
                    random.nextInt(4) == 0 ? 0 : random.nextInt(12),
                    random.nextInt(5) == 0 ? random.nextInt(2) : random.nextInt(101) / 100.0,
                    random.nextBoolean() ? "mean" : "sum",
                    List.of(1.0, 0.8, 0.5, 0.0).get(random.nextInt(4)),
                    1 + random.nextInt(random.nextBoolean() ? 8 : 64),
                    1 + 2 * random.nextInt(6),
                    random.nextBoolean() ? "avg" : "max");
        }
    }

    @Test
    void everyPolicyMatchesItsReferenceOverRandomCaches() {
        Map<String, Integer> numEvictions = new TreeMap<>();
        for (int seed = 0; seed < NUM_SEEDS; seed++) {
            runSeed(seed, numEvictions);
        }
        // A policy that never evicted would have been compared on nothing but the identity.
        for (String kind : List.of("streaming", "h2o", "snapkv-prefill", "snapkv-decode")) {
            assertThat(numEvictions.getOrDefault(kind, 0)).as("evictions by %s in %s", kind, numEvictions).isGreaterThan(50);
        }
        assertThat(numEvictions).doesNotContainKey("none");
    }

    private static void runSeed(long seed, Map<String, Integer> numEvictions) {
        SplittableRandom random = new SplittableRandom(seed);
        Config config = Config.random(random);
        EvictionPolicy policy = config.create();
        int numPromptSlots = random.nextInt(5) == 0 ? random.nextInt(3) : random.nextInt(400);
        int numDecodeSteps = random.nextInt(200);
        String scoreKind = List.of("uniform", "ties", "zeros", "gaussian").get(random.nextInt(4));

        List<Integer> positions = new ArrayList<>();
        int nextPosition = random.nextInt(4) == 0 ? random.nextInt(50) : 0;
        for (int i = 0; i < numPromptSlots; i++) {
            positions.add(nextPosition);
            // Some caches arrive with gaps, as after an earlier policy or a runtime switch.
            nextPosition += random.nextInt(8) == 0 ? 1 + random.nextInt(5) : 1;
        }
        List<Float> scores = new ArrayList<>();
        for (int i = 0; i < numPromptSlots; i++) {
            scores.add(score(scoreKind, random));
        }

        for (int step = 0; step <= numDecodeSteps; step++) {
            boolean endOfPrefill = step == 0;
            if (step > 0) {
                positions.add(nextPosition++);
                if (config.policy().equals("h2o")) {
                    for (int i = 0; i < scores.size(); i++) {
                        scores.set(i, scores.get(i) + score(scoreKind, random));
                    }
                    scores.add(score(scoreKind, random));
                } else {
                    // The other statistics are redrawn: the recent window's (SnapKV) slides with every step.
                    scores.replaceAll(s -> score(scoreKind, random));
                    scores.add(score(scoreKind, random));
                }
            }
            int numSlots = positions.size();
            // Spare room and garbage beyond numSlots: the policy must read and write only the first numSlots.
            int[] positionArray = new int[numSlots + 3];
            float[] scoreArray = new float[numSlots + 3];
            Arrays.fill(positionArray, -1);
            Arrays.fill(scoreArray, 1e30f);
            for (int i = 0; i < numSlots; i++) {
                positionArray[i] = positions.get(i);
                scoreArray[i] = scores.get(i);
            }
            int[] keep = new int[numSlots + 3];
            Arrays.fill(keep, -5);

            int numKept = policy.select(numSlots, positionArray, scoreArray, endOfPrefill, keep);

            int[] kept = Arrays.copyOf(keep, numKept);
            List<Integer> expected = reference(config, positions, scores, endOfPrefill);
            int currentStep = step;
            Supplier<String> where = () -> "seed " + seed + " step " + currentStep + " " + config + " numSlots " + numSlots;
            assertThat(kept).as(where).containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
            assertThat(keep[numSlots]).as(() -> where.get() + ": wrote past numSlots").isEqualTo(-5);
            int budget = referenceBudget(config, positions);
            if (numKept < numSlots) {
                String phase = config.policy().equals("snapkv") ? (endOfPrefill ? "snapkv-prefill" : "snapkv-decode") : config.policy();
                numEvictions.merge(phase, 1, Integer::sum);
                assertThat(numSlots - budget).as(where).isGreaterThan(config.evictChunk());
                assertThat(numKept).as(where).isLessThanOrEqualTo(budget);
            } else {
                assertThat(kept).as(where).containsExactly(IntStream.range(0, numSlots).toArray());
            }
            assertThat(kept).as(where).isSorted().doesNotHaveDuplicates();

            List<Integer> keptPositions = new ArrayList<>();
            List<Float> keptScores = new ArrayList<>();
            for (int slot : kept) {
                keptPositions.add(positions.get(slot));
                keptScores.add(scores.get(slot));
            }
            positions = keptPositions;
            scores = keptScores;
        }
    }

    private static float score(String kind, SplittableRandom random) {
        return switch (kind) {
            case "ties" -> random.nextInt(3) * 0.25f;
            case "zeros" -> 0f;
            case "gaussian" -> (float) random.nextGaussian();
            default -> (float) random.nextDouble();
        };
    }

    private static int referenceBudget(Config config, List<Integer> positions) {
        if (config.budgetTokens() > 0) {
            return config.budgetTokens();
        }
        long length = positions.isEmpty() ? 0 : positions.getLast() + 1;
        return (int) Math.max(1, Math.ceilDiv(config.budgetPermille() * length, 1000));
    }

    private static List<Integer> reference(Config config, List<Integer> positions, List<Float> scores, boolean endOfPrefill) {
        int numSlots = positions.size();
        int budget = referenceBudget(config, positions);
        if (config.policy().equals("none") || numSlots <= budget + config.evictChunk()) {
            return IntStream.range(0, numSlots).boxed().toList();
        }
        TreeSet<Integer> kept = new TreeSet<>();
        switch (config.policy()) {
            case "streaming" -> {
                int numSinks = Math.min(config.sinkTokens(), budget);
                IntStream.range(0, numSinks).forEach(kept::add);
                IntStream.range(numSlots - (budget - numSinks), numSlots).forEach(kept::add);
            }
            case "h2o" -> {
                int numRecent = (int) Math.min(budget, Math.round(config.recentFraction() * budget));
                IntStream.range(numSlots - numRecent, numSlots).forEach(kept::add);
                List<Float> ranked = config.score().equals("sum") ? scores : means(positions, scores, config.decay());
                kept.addAll(highest(ranked, numSlots - numRecent, budget - numRecent));
            }
            default -> {
                int window = config.window();
                if (budget < window) {
                    IntStream.range(numSlots - budget, numSlots).forEach(kept::add);
                } else {
                    // The same rule at the end of prefill and during decode.
                    IntStream.range(numSlots - window, numSlots).forEach(kept::add);
                    List<Float> pooled = pooled(config, positions, scores, numSlots - window);
                    kept.addAll(highest(pooled, numSlots - window, budget - window));
                }
            }
        }
        return new ArrayList<>(kept);
    }

    /**
     * Each slot's score per query that attended it: the queries at its position up to the newest slot's, each
     * weighted by decay^age (the engine ages the scores by decay per token).
     */
    private static List<Float> means(List<Integer> positions, List<Float> scores, double decay) {
        int last = positions.getLast();
        List<Float> means = new ArrayList<>();
        for (int i = 0; i < scores.size(); i++) {
            int numQueries = last - positions.get(i) + 1;
            double weight = 0;
            for (int age = 0; age < numQueries; age++) {
                weight += Math.pow(decay, age);
            }
            means.add((float) (scores.get(i) / weight));
        }
        return means;
    }

    /** The {@code k} highest-scoring of the first {@code numCandidates} slots, equal scores to the later slot. */
    private static List<Integer> highest(List<Float> scores, int numCandidates, int k) {
        Comparator<Integer> byScoreThenRecency = Comparator.<Integer, Float>comparing(scores::get).thenComparing(i -> i);
        return IntStream.range(0, numCandidates).boxed().sorted(byScoreThenRecency.reversed()).limit(k).toList();
    }

    /** Each candidate's score pooled over the candidates whose positions lie within half a kernel of its own. */
    private static List<Float> pooled(Config config, List<Integer> positions, List<Float> scores, int numCandidates) {
        int half = config.kernelSize() / 2;
        List<Float> pooled = new ArrayList<>();
        for (int slot = 0; slot < numCandidates; slot++) {
            List<Float> neighbours = new ArrayList<>();
            for (int j = 0; j < numCandidates; j++) {
                if (Math.abs(positions.get(j) - positions.get(slot)) <= half) {
                    neighbours.add(scores.get(j));
                }
            }
            if (config.pooling().equals("max")) {
                pooled.add(neighbours.stream().max(Float::compare).orElseThrow());
            } else {
                float sum = 0f;
                for (float s : neighbours) {
                    sum += s;
                }
                pooled.add(sum / config.kernelSize());
            }
        }
        return pooled;
    }
}
