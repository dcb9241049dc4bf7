package io.kvasir.ops.loadgen;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * How many tokens a request's prompt or output has, drawn per request.
 *
 * <p>Invariant: every draw lies in {@code [min(), max()]} and {@code min() >= 1}. Written on the command line
 * as {@code N} (always N), {@code MIN..MAX} (uniform, both ends included) or {@code normal:MEAN,SD[,MIN,MAX]}
 * (a normal distribution truncated to the bounds by redrawing; default bounds 1 and MEAN + 4 SD).
 */
sealed interface LengthDistribution {

    /** Draws one length from {@code random}. */
    int sample(RandomGenerator random);

    /** The smallest length a draw can give, at least 1. */
    int min();

    /** The largest length a draw can give. */
    int max();

    /** The expected draw, for sizing (the mean of the truncated distribution is approximated by the untruncated one). */
    double mean();

    /** The spec as it is written on the command line. */
    String spec();

    /**
     * Parses {@code N}, {@code MIN..MAX} or {@code normal:MEAN,SD[,MIN,MAX]}.
     *
     * @param option the option the spec came from, named in the error
     * @throws IllegalArgumentException naming the option and what is wrong
     */
    static LengthDistribution parse(String spec, String option) {
        String text = spec.strip().toLowerCase(Locale.ROOT);
        try {
            if (text.startsWith("normal:")) {
                String[] parts = text.substring("normal:".length()).split(",", -1);
                if (parts.length != 2 && parts.length != 4) {
                    throw new IllegalArgumentException("normal takes MEAN,SD or MEAN,SD,MIN,MAX");
                }
                double mean = Double.parseDouble(parts[0].strip());
                double sd = Double.parseDouble(parts[1].strip());
                if (parts.length == 2) {
                    return Normal.withDefaultBounds(mean, sd);
                }
                return new Normal(mean, sd, Integer.parseInt(parts[2].strip()), Integer.parseInt(parts[3].strip()));
            }
            int range = text.indexOf("..");
            if (range >= 0) {
                return new Uniform(Integer.parseInt(text.substring(0, range).strip()),
                        Integer.parseInt(text.substring(range + 2).strip()));
            }
            return new Fixed(Integer.parseInt(text));
        } catch (IllegalArgumentException e) {
            String why = e instanceof NumberFormatException ? "not a number" : e.getMessage();
            throw new IllegalArgumentException(option + " '" + spec + "': " + why
                    + " (expected N, MIN..MAX or normal:MEAN,SD[,MIN,MAX])", e);
        }
    }

    /** Always {@code length}. */
    record Fixed(int length) implements LengthDistribution {
        public Fixed {
            if (length < 1) {
                throw new IllegalArgumentException("length must be at least 1, got " + length);
            }
        }

        @Override
        public int sample(RandomGenerator random) {
            return length;
        }

        @Override
        public int min() {
            return length;
        }

        @Override
        public int max() {
            return length;
        }

        @Override
        public double mean() {
            return length;
        }

        @Override
        public String spec() {
            return Integer.toString(length);
        }
    }

    /** Uniform over {@code [low, high]}, both included. */
    record Uniform(int low, int high) implements LengthDistribution {
        public Uniform {
            if (low < 1 || high < low) {
                throw new IllegalArgumentException("needs 1 <= MIN <= MAX, got " + low + ".." + high);
            }
        }

        @Override
        public int sample(RandomGenerator random) {
            return random.nextInt(low, high + 1);
        }

        @Override
        public int min() {
            return low;
        }

        @Override
        public int max() {
            return high;
        }

        @Override
        public double mean() {
            return (low + (double) high) / 2;
        }

        @Override
        public String spec() {
            return low + ".." + high;
        }
    }

    /**
     * Normal with mean {@code mean} and standard deviation {@code sd}, rounded to whole tokens and truncated to
     * {@code [low, high]}: a draw outside is redrawn, so the bounds do not pile up probability.
     */
    record Normal(double mean, double sd, int low, int high) implements LengthDistribution {

        /** Redraws before giving up and clamping; only reached when the bounds hold almost no probability. */
        private static final int MAX_REDRAWS = 64;

        public Normal {
            if (!Double.isFinite(mean) || !Double.isFinite(sd) || sd < 0) {
                throw new IllegalArgumentException("needs a finite MEAN and SD >= 0, got " + mean + "," + sd);
            }
            if (low < 1 || high < low) {
                throw new IllegalArgumentException("needs 1 <= MIN <= MAX, got " + low + "," + high);
            }
        }

        static Normal withDefaultBounds(double mean, double sd) {
            return new Normal(mean, sd, 1, (int) Math.max(1, Math.ceil(mean + 4 * Math.max(0, sd))));
        }

        @Override
        public int sample(RandomGenerator random) {
            for (int i = 0; i < MAX_REDRAWS; i++) {
                long draw = Math.round(mean + sd * random.nextGaussian());
                if (draw >= low && draw <= high) {
                    return (int) draw;
                }
            }
            return (int) Math.clamp(Math.round(mean), low, high);
        }

        @Override
        public int min() {
            return low;
        }

        @Override
        public int max() {
            return high;
        }

        @Override
        public String spec() {
            return "normal:" + fmt(mean) + "," + fmt(sd) + "," + low + "," + high;
        }

        private static String fmt(double value) {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
    }
}
