package io.kvasir.ops.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

import io.kvasir.api.SamplingParams;

/** Helpers the workloads share: seeded random prompts, greedy sampling, medians. */
final class Workloads {

    /** Ids 0..2 are unknown, BOS and EOS in the Llama vocabularies Kvasir reads. */
    private static final int FIRST_ORDINARY_TOKEN = 3;

    private Workloads() {
    }

    /** {@code length} token ids drawn uniformly from the ordinary part of the vocabulary. */
    static int[] randomTokens(SplittableRandom random, int vocabSize, int length) {
        int[] tokens = new int[length];
        for (int i = 0; i < length; i++) {
            tokens[i] = FIRST_ORDINARY_TOKEN + random.nextInt(vocabSize - FIRST_ORDINARY_TOKEN);
        }
        return tokens;
    }

    static int[] concat(int[] first, int[] second) {
        int[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }

    /** Greedy decoding of exactly {@code maxTokens} tokens. */
    static SamplingParams greedy(int maxTokens) {
        return SamplingParams.builder().temperature(0).ignoreEos(true).maxTokens(maxTokens).build();
    }

    static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
}
