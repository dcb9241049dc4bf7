package io.kvasir.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import io.kvasir.api.SamplingParams;

import org.junit.jupiter.api.Test;

/**
 * Checks the sampler against a naive reference that follows the documented pipeline literally: penalties
 * recomputed from the whole token history, a full sort of the vocabulary, then the same seeded draw. The
 * two must choose the same token at every step. Sums of exponentials come from the same kernel in both
 * (checked against its scalar reference in {@link SoftmaxKernelsTest}), so that they agree bit for bit.
 */
class SamplerReferenceTest {

    @Test
    void choosesTheSameTokensAsAFullSortReference() {
        Random random = new Random(41);
        int numSteps = 0;
        int numSampledSteps = 0;
        for (int trial = 0; trial < 430; trial++) {
            // The last trials span several kernel blocks.
            int vocabSize = trial < 400 ? 1 + random.nextInt(300) : 1000 + random.nextInt(4000);
            SamplingParams params = randomParams(random, trial);
            Sampler sampler = new Sampler(params, vocabSize + random.nextInt(3));
            Reference reference = new Reference(params);

            int[] prompt = random.ints(random.nextInt(10), 0, vocabSize).toArray();
            sampler.acceptPrompt(prompt, 0, prompt.length);
            for (int token : prompt) {
                reference.prompt.add(token);
            }
            for (int step = 0; step < 30; step++) {
                float[] logits = randomLogits(random, vocabSize);
                int offset = random.nextInt(3);
                float[] padded = new float[offset + vocabSize + 1];
                System.arraycopy(logits, 0, padded, offset, vocabSize);
                int token = sampler.sample(padded, offset, vocabSize);
                assertThat(token).as("trial %d step %d, %s", trial, step, params)
                        .isEqualTo(reference.sample(logits));
                sampler.accept(token);
                reference.generated.add(token);
                numSteps++;
                if (!params.isGreedy()) {
                    numSampledSteps++;
                }
            }
        }
        assertThat(numSteps).isEqualTo(430 * 30);
        assertThat(numSampledSteps).isGreaterThan(numSteps / 2);
    }

    private static SamplingParams randomParams(Random random, long seed) {
        return SamplingParams.builder()
                .seed(seed)
                .temperature(pick(random, 0.0, 0.3, 0.7, 1.0, 1.0, 1.5, 2.0))
                .topK(pick(random, 0, -1, 1, 5, 40, 1000))
                .topP(pick(random, 1.0, 1.0, 0.95, 0.5, 0.1))
                .minP(pick(random, 0.0, 0.0, 0.05, 0.3))
                .repetitionPenalty(pick(random, 1.0, 1.3, 0.8))
                .penaltyLastN(pick(random, 0, 4, 64))
                .frequencyPenalty(pick(random, 0.0, 0.5, -0.5))
                .presencePenalty(pick(random, 0.0, 1.0))
                .build();
    }

    /** Gaussian logits, sometimes rounded so that ties occur, with a few masked (-Infinity) entries. */
    private static float[] randomLogits(Random random, int vocabSize) {
        boolean rounded = random.nextBoolean();
        float[] logits = new float[vocabSize];
        for (int i = 0; i < vocabSize; i++) {
            float v = (float) (random.nextGaussian() * 3);
            logits[i] = rounded ? Math.round(v) : v;
            if (i > 0 && random.nextInt(20) == 0) {
                logits[i] = Float.NEGATIVE_INFINITY;
            }
        }
        return logits;
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** The documented pipeline, written for clarity rather than speed. */
    private static final class Reference {
        final SamplingParams params;
        final Xoshiro256StarStar random;
        final List<Integer> prompt = new ArrayList<>();
        final List<Integer> generated = new ArrayList<>();

        Reference(SamplingParams params) {
            this.params = params;
            this.random = new Xoshiro256StarStar(params.seed());
        }

        int sample(float[] raw) {
            float[] row = penalize(raw);
            int vocabSize = row.length;
            if (params.isGreedy()) {
                return ranked(row).getFirst();
            }
            double u = random.nextDouble();
            List<Integer> candidates;
            boolean truncated = false;
            int k = params.topK() > 0 && params.topK() < vocabSize ? params.topK() : 0;
            if (k > 0) {
                candidates = ranked(row).subList(0, k);
                truncated = true;
                if (params.topP() < 1) {
                    candidates = topP(row, candidates, sumExp(row, candidates));
                }
            } else if (params.topP() < 1) {
                // Without top-k the nucleus is drawn from in id order.
                candidates = topP(row, ranked(row), sumExp(row, IntStream.range(0, vocabSize).boxed().toList()))
                        .stream().sorted().toList();
                truncated = true;
            } else {
                candidates = IntStream.range(0, vocabSize).boxed().toList();
            }
            if (params.minP() > 0) {
                float logMinP = (float) Math.log(params.minP());
                float max = maxOf(row, candidates);
                float threshold = max + logMinP;
                List<Integer> kept = new ArrayList<>();
                for (int id : candidates) {
                    if (value(row, id) >= threshold) {
                        kept.add(id);
                    }
                }
                candidates = kept.isEmpty() ? List.of(candidates.getFirst()) : kept;
                if (!truncated && max == Float.NEGATIVE_INFINITY) {
                    candidates = List.of(0);
                }
            }
            return draw(row, candidates, u);
        }

        private float[] penalize(float[] raw) {
            float[] row = raw.clone();
            List<Integer> history = new ArrayList<>(prompt);
            history.addAll(generated);
            if (params.repetitionPenalty() != 1.0 && params.penaltyLastN() > 0) {
                float penalty = (float) params.repetitionPenalty();
                int from = Math.max(0, history.size() - params.penaltyLastN());
                Set<Integer> window = new LinkedHashSet<>(history.subList(from, history.size()));
                for (int t : window) {
                    if (t < row.length) {
                        row[t] = row[t] <= 0 ? row[t] * penalty : row[t] / penalty;
                    }
                }
            }
            if (params.frequencyPenalty() != 0 || params.presencePenalty() != 0) {
                for (int t : new LinkedHashSet<>(generated)) {
                    int count = (int) generated.stream().filter(g -> g == t).count();
                    if (t < row.length) {
                        row[t] -= count * (float) params.frequencyPenalty() + (float) params.presencePenalty();
                    }
                }
            }
            return row;
        }

        private static float value(float[] row, int id) {
            return CandidateSelection.sanitize(row[id]);
        }

        private static List<Integer> ranked(float[] row) {
            return IntStream.range(0, row.length).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> -value(row, i)).thenComparingInt(i -> i))
                    .toList();
        }

        private static float maxOf(float[] row, List<Integer> ids) {
            float max = Float.NEGATIVE_INFINITY;
            for (int id : ids) {
                max = Math.max(max, value(row, id));
            }
            return max;
        }

        private static double sumExp(float[] row, List<Integer> ids) {
            return SoftmaxKernels.sumExp(valuesOf(row, ids), 0, ids.size(), maxOf(row, ids));
        }

        private static float[] valuesOf(float[] row, List<Integer> ids) {
            float[] values = new float[ids.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = value(row, ids.get(i));
            }
            return values;
        }

        private List<Integer> topP(float[] row, List<Integer> rankedCandidates, double sum) {
            float max = value(row, rankedCandidates.getFirst());
            if (Float.isInfinite(max)) {
                return rankedCandidates.subList(0, 1);
            }
            float[] weights = new float[rankedCandidates.size()];
            SoftmaxKernels.expInto(valuesOf(row, rankedCandidates), 0, weights.length, max, 1f, weights,
                    new double[SoftmaxKernels.numBlocks(weights.length)]);
            double cumulative = 0;
            for (int i = 0; i < weights.length; i++) {
                cumulative += weights[i];
                if (cumulative >= params.topP() * sum) {
                    return rankedCandidates.subList(0, i + 1);
                }
            }
            return rankedCandidates;
        }

        private int draw(float[] row, List<Integer> candidates, double u) {
            float max = maxOf(row, candidates);
            if (Float.isInfinite(max)) {
                int best = candidates.getFirst();
                for (int id : candidates) {
                    if (value(row, id) > value(row, best)) {
                        best = id;
                    }
                }
                return best;
            }
            float invTemperature = (float) (1.0 / params.temperature());
            float[] weights = new float[candidates.size()];
            double sum = SoftmaxKernels.expInto(valuesOf(row, candidates), 0, weights.length, max, invTemperature,
                    weights, new double[SoftmaxKernels.numBlocks(weights.length)]);
            double target = u * sum;
            double cumulative = 0;
            int last = 0;
            for (int i = 0; i < weights.length; i++) {
                if (weights[i] > 0) {
                    cumulative += weights[i];
                    last = i;
                    if (cumulative > target) {
                        return candidates.get(i);
                    }
                }
            }
            return candidates.get(last);
        }
    }
}
