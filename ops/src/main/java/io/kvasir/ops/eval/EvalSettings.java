package io.kvasir.ops.eval;

import java.util.EnumSet;
import java.util.Set;

/**
 * The sizes of one strategy evaluation. The defaults keep a run on stories260K with 2 threads to a few
 * minutes; each workload scales up through its own field.
 *
 * @param numThreads kernel threads of every engine
 * @param sections the workloads to run
 * @param maxStories corpus stories scored (the first ones)
 * @param maxStoryTokens longest story kept, BOS included; longer ones are cut
 * @param numStoriesInFlight stories decoded together in one engine (the fidelity runs' batch)
 * @param numPrefixRequests requests of the shared-prefix workload
 * @param numPrefixTokens tokens of the shared prefix
 * @param numUniqueTokens tokens each request adds after its prefix
 * @param numPrefixOutputTokens tokens generated per prefix-workload request
 * @param numDistinctPrefixes prefixes of the memory-pressured prefix workload
 * @param fairnessSeconds how long each fairness run keeps both tenants backlogged
 * @param numPreemptionRequests requests of the preemption workload
 * @param seed seeds every random prompt
 */
public record EvalSettings(int numThreads, Set<Section> sections, int maxStories, int maxStoryTokens,
        int numStoriesInFlight, int numPrefixRequests, int numPrefixTokens, int numUniqueTokens,
        int numPrefixOutputTokens, int numDistinctPrefixes, double fairnessSeconds, int numPreemptionRequests, long seed) {

    /** The workloads of an evaluation. */
    public enum Section {
        FIDELITY, PREFIX, FAIRNESS, PREEMPTION
    }

    public EvalSettings {
        require(numThreads >= 1, "numThreads must be at least 1, got " + numThreads);
        sections = sections.isEmpty() ? EnumSet.noneOf(Section.class) : EnumSet.copyOf(sections);
        require(maxStories >= 1, "maxStories must be at least 1, got " + maxStories);
        require(maxStoryTokens >= 8, "maxStoryTokens must be at least 8, got " + maxStoryTokens);
        require(numStoriesInFlight >= 1, "numStoriesInFlight must be at least 1, got " + numStoriesInFlight);
        require(numPrefixRequests >= 2, "numPrefixRequests must be at least 2, got " + numPrefixRequests);
        require(numPrefixTokens >= 1, "numPrefixTokens must be at least 1, got " + numPrefixTokens);
        require(numUniqueTokens >= 1, "numUniqueTokens must be at least 1, got " + numUniqueTokens);
        require(numPrefixOutputTokens >= 1, "numPrefixOutputTokens must be at least 1, got " + numPrefixOutputTokens);
        require(numDistinctPrefixes >= 2, "numDistinctPrefixes must be at least 2, got " + numDistinctPrefixes);
        require(fairnessSeconds > 0, "fairnessSeconds must be positive, got " + fairnessSeconds);
        require(numPreemptionRequests >= 2, "numPreemptionRequests must be at least 2, got " + numPreemptionRequests);
    }

    /** Every workload at its default size. */
    public static EvalSettings defaults(int numThreads) {
        return new EvalSettings(numThreads, EnumSet.allOf(Section.class), 16, 512, 8, 64, 256, 32, 4, 8, 5.0, 8, 7);
    }

    public boolean runs(Section section) {
        return sections.contains(section);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
