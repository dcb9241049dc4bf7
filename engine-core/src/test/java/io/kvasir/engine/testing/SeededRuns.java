package io.kvasir.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Property-style tests without a framework: a property runs once per seed, each run on its own
 * {@link SplittableRandom}, so every run is reproducible from its seed alone.
 *
 * <p>A failing run is reported with its seed, its setup and the step it failed at; setting the system
 * property {@value #SEED_PROPERTY} (for example {@code -Dkvasir.seed=123} on the Maven command line) replays
 * that one seed. Runs also classify themselves under labels ("allocation refused"), and the test then
 * requires each interesting case to have come up in a minimum share of runs, so a property cannot turn
 * weak unnoticed when its generator or the code under test changes.
 */
public final class SeededRuns {

    /** System property naming the single seed to replay instead of the full set of runs. */
    public static final String SEED_PROPERTY = "kvasir.seed";

    /** One random run of a property. */
    @FunctionalInterface
    public interface Property {
        /** Generates inputs from {@code run}, exercises the code under test and asserts on it. */
        void check(Run run);
    }

    private SeededRuns() {
    }

    /**
     * Runs {@code property} for seeds {@code 0 .. numRuns - 1}, or only for the seed in {@value #SEED_PROPERTY}.
     *
     * @throws AssertionError from the first failing run, naming its seed, setup and step
     */
    public static Outcome check(int numRuns, Property property) {
        if (numRuns < 1) {
            throw new IllegalArgumentException("numRuns must be positive: " + numRuns);
        }
        String replayed = System.getProperty(SEED_PROPERTY);
        boolean replaying = replayed != null && !replayed.isBlank();
        long[] seeds = replaying ? new long[] {Long.parseLong(replayed.strip())} : new long[numRuns];
        if (!replaying) {
            for (int i = 0; i < numRuns; i++) {
                seeds[i] = i;
            }
        }
        Map<String, Integer> numRunsByLabel = new LinkedHashMap<>();
        for (long seed : seeds) {
            Run run = new Run(seed);
            try {
                property.check(run);
            } catch (AssertionError | RuntimeException e) {
                // A bare `assert` in the code under test has no message; its type and stack trace still help.
                String cause = e instanceof AssertionError && e.getMessage() != null ? e.getMessage() : e.toString();
                throw new AssertionError(run.describe() + " (replay it alone with -D" + SEED_PROPERTY + "=" + seed
                        + "): " + cause, e);
            }
            run.labels.forEach((label, holds) -> numRunsByLabel.merge(label, holds ? 1 : 0, Integer::sum));
        }
        return new Outcome(seeds.length, replaying, numRunsByLabel);
    }

    /** The random source and the failure context of one run. */
    public static final class Run {
        private final long seed;
        private final SplittableRandom random;
        private final Map<String, Boolean> labels = new HashMap<>();
        private Object setup;
        private int stepIndex = -1;
        private int numSteps;
        private Object step;

        Run(long seed) {
            this.seed = seed;
            this.random = new SplittableRandom(seed);
        }

        /** This run's seed. */
        public long seed() {
            return seed;
        }

        /** The run's random source: draw every input from it, and only from it. */
        public SplittableRandom random() {
            return random;
        }

        /**
         * A value in {@code [min, max]}: uniform, except that {@code min} and {@code max} each come up with
         * probability 1/8 on top, so boundary sizes (one block, the largest pool) are tried in every batch.
         */
        public int intBetween(int min, int max) {
            if (min > max) {
                throw new IllegalArgumentException("min " + min + " > max " + max);
            }
            int roll = random.nextInt(8);
            if (roll == 0) {
                return min;
            }
            if (roll == 1) {
                return max;
            }
            return random.nextInt(min, max + 1);
        }

        /** Records what the run was set up with (sizes, counts), for the failure message. */
        public void setup(Object description) {
            this.setup = description;
        }

        /** Records the step about to run, for the failure message; cheap enough to call once per operation. */
        public void step(int index, int numSteps, Object description) {
            this.stepIndex = index;
            this.numSteps = numSteps;
            this.step = description;
        }

        /** Records that the run is past its generated steps (final cleanup and checks). */
        public void afterSteps() {
            this.stepIndex = numSteps;
            this.step = "cleanup after the last step";
        }

        /** Classifies this run under {@code label}; each label is classified at most once per run. */
        public void classify(String label, boolean holds) {
            if (labels.putIfAbsent(label, holds) != null) {
                throw new IllegalStateException("label classified twice in one run: " + label);
            }
        }

        String describe() {
            StringBuilder text = new StringBuilder("failed with seed ").append(seed);
            if (setup != null) {
                text.append(" (").append(setup).append(')');
            }
            if (stepIndex >= 0 && stepIndex < numSteps) {
                text.append(" at step ").append(stepIndex).append(" of ").append(numSteps).append(": ").append(step);
            } else if (step != null) {
                text.append(" in ").append(step);
            }
            return text.toString();
        }
    }

    /** What the runs classified themselves as. */
    public static final class Outcome {
        private final int numRuns;
        private final boolean replaying;
        private final Map<String, Integer> numRunsByLabel;

        Outcome(int numRuns, boolean replaying, Map<String, Integer> numRunsByLabel) {
            this.numRuns = numRuns;
            this.replaying = replaying;
            this.numRunsByLabel = numRunsByLabel;
        }

        /** How many runs classified themselves under {@code label} as holding. */
        public int numRunsWhere(String label) {
            return numRunsByLabel.getOrDefault(label, 0);
        }

        /**
         * Asserts that at least {@code minShare} of the runs (0 to 1) held {@code label}. Skipped while a single
         * seed is replayed, since one run says nothing about how often a case comes up.
         */
        public Outcome requireShare(String label, double minShare) {
            if (replaying) {
                return this;
            }
            int numHeld = numRunsWhere(label);
            assertThat((double) numHeld / numRuns)
                    .as("share of runs where \"%s\" held (%d of %d runs; labels seen: %s)",
                            label, numHeld, numRuns, numRunsByLabel)
                    .isGreaterThanOrEqualTo(minShare);
            return this;
        }
    }

    /**
     * Each value repeated by its weight, so that a uniform pick from the result follows the weights (the operation
     * mix of a property test).
     */
    public static <E extends Enum<E>> E[] weighted(E[] values, java.util.function.ToIntFunction<E> weight) {
        java.util.List<E> repeated = new java.util.ArrayList<>();
        for (E value : values) {
            for (int i = 0; i < weight.applyAsInt(value); i++) {
                repeated.add(value);
            }
        }
        return repeated.toArray(java.util.Arrays.copyOf(values, 0));
    }
}
