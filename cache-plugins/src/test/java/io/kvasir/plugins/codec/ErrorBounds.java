package io.kvasir.plugins.codec;

/**
 * The documented per-element error of each codec, from the original values of a block whose slots
 * {@code 0..numWritten-1} were written.
 */
final class ErrorBounds {

    private static final double F16_HALF_ULP = 0x1p-11;
    private static final double TINY = 0x1p-24;

    private ErrorBounds() {
    }

    /** Largest allowed |decoded - original| of K[slot][channel]. */
    static double key(String codec, KvData data, int numWritten, int slot, int channel) {
        float x = data.k[slot][channel];
        return switch (codec) {
            case "int4-kivi" -> numWritten < data.blockSize
                    ? elementBound("f16", data.k[slot], x)
                    : kiviKeyBound(data, channel);
            case "int8" -> int8ChannelBound(data.k, numWritten, channel, true);
            case "fp8-e4m3" -> fp8KeyBound(data, slot);
            default -> elementBound(codec, data.k[slot], x);
        };
    }

    /** Largest allowed |decoded - original| of V[slot][channel]; {@code valueGroupSize} 0 is the whole vector. */
    static double value(String codec, KvData data, int numWritten, int slot, int channel, int valueGroupSize) {
        float x = data.v[slot][channel];
        if (codec.equals("int8")) {
            return int8ChannelBound(data.v, numWritten, channel, false);
        }
        if (codec.equals("int4-kivi")) {
            int group = valueGroupSize == 0 ? data.headDim : valueGroupSize;
            int from = channel / group * group;
            int to = Math.min(data.headDim, from + group);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = from; c < to; c++) {
                min = Math.min(min, data.v[slot][c]);
                max = Math.max(max, data.v[slot][c]);
            }
            return zeroPointBound(min, max);
        }
        return elementBound(codec, data.v[slot], x);
    }

    private static double elementBound(String codec, float[] vector, float x) {
        return switch (codec) {
            case "f32" -> 0;
            case "f16" -> Math.max(Math.abs(x) * F16_HALF_ULP, TINY);
            case "fp8-e4m3" -> fp8VectorBound(vector);
            default -> throw new IllegalArgumentException(codec);
        };
    }

    /**
     * The {@code int8} codec's per-channel bound after {@code numWritten} tokens: each token's code is rounded once
     * when written and once more each time the channel's covered range widens (at most once per later token), each
     * time by at most half a step, and no step exceeds the final one. The final step is the covered range over 255
     * (keys: [min, max] of the channel, its f16 minimum rounded down) or absmax over 127 (values), rounded up to a
     * {@code ScaleByte} (12.5%); a key range widens from the covered one, so each widening may add that rounding
     * again, compounded. Loose on purpose: {@code Int8LayoutTest} checks the typical error.
     */
    static double int8ChannelBound(float[][] vectors, int numWritten, int channel, boolean asymmetric) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double absMax = 0;
        for (int t = 0; t < numWritten; t++) {
            min = Math.min(min, vectors[t][channel]);
            max = Math.max(max, vectors[t][channel]);
            absMax = Math.max(absMax, Math.abs(vectors[t][channel]));
        }
        double step = asymmetric
                ? (max - min + absMax * 0x1p-10) / 255 * Math.pow(1.125, numWritten)
                : absMax / 127 * 1.125;
        return numWritten * (step + 0x1p-16) / 2 + ulps(absMax);
    }

    /**
     * Fp8's keys are differences from the previous slot's decoded key (slot 0's from its own f16 rounding), each
     * coded within {@link #fp8VectorBound}; the difference is bounded by the originals' difference plus the
     * previous key's error, so the bound recurses along the slots. Decoding sums {@code slot + 1} terms.
     */
    private static double fp8KeyBound(KvData data, int slot) {
        float[] difference = new float[data.headDim];
        double previousError = 0;
        double magnitude = 0;
        for (int t = 0; t <= slot; t++) {
            for (int c = 0; c < data.headDim; c++) {
                float r = Float.float16ToFloat(Float.floatToFloat16(Math.max(-65504f, Math.min(65504f, data.k[0][c]))));
                float previous = t == 0 ? r : data.k[t - 1][c];
                difference[c] = (float) (Math.abs(data.k[t][c] - previous) + previousError);
                magnitude = Math.max(magnitude, Math.abs(r) + Math.abs(data.k[t][c]));
            }
            previousError = fp8VectorBound(difference) + (t + 1) * ulps(magnitude);
        }
        return previousError;
    }

    /**
     * E4M3 with the least-squared-error scale: at most the absmax scale's squared error, whose per-element bound is a
     * relative 2^-4 plus the subnormal step; so every element is within the root of those bounds' summed squares.
     */
    private static double fp8VectorBound(float[] vector) {
        double scale = absMax(vector) / 448;
        double sum = 0;
        for (float x : vector) {
            double bound = Math.abs(x) * 0x1p-4 + scale * 0x1p-10;
            sum += bound * bound;
        }
        return Math.sqrt(sum) + ulps(scale * 448);
    }

    /**
     * Half a 4-bit step over [min, max] of values known to within {@code slack}, with the half-precision scale
     * rounded up and the minimum rounded to nearest.
     */
    static double int4Bound(double min, double max, double slack) {
        double lo = min - slack;
        double hi = max + slack;
        double minRounding = Math.abs(lo) * F16_HALF_ULP + TINY;
        double step = (hi - lo + minRounding) / 15 * (1 + 0x1p-10) + TINY;
        return Math.max(step / 2, minRounding) + slack + ulps(Math.abs(lo) + Math.abs(hi));
    }

    /** Keys staged in f16 until the block fills, then quantised per channel over the staged halves. */
    private static double kiviKeyBound(KvData data, int channel) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double staging = 0;
        for (int t = 0; t < data.blockSize; t++) {
            float x = data.k[t][channel];
            min = Math.min(min, x);
            max = Math.max(max, x);
            staging = Math.max(staging, elementBound("f16", data.k[t], x));
        }
        return int4Bound(min, max, staging);
    }

    /**
     * Half a step of a one-byte scale and zero point over [min, max]: the scale is at most a scale byte's rounding
     * (2^-3) above {@code max(range / 14, absMax / 127)}, where a zero point within a byte always fits.
     */
    static double zeroPointBound(double min, double max) {
        double absMax = Math.max(Math.abs(min), Math.abs(max));
        double step = Math.max((max - min) / 14, absMax / 127) * 1.125 + 0x1p-17;
        return step / 2 + ulps(absMax);
    }

    static double absMax(float[] vector) {
        double max = 0;
        for (float x : vector) {
            max = Math.max(max, Math.abs(x));
        }
        return max;
    }

    private static double ulps(double magnitude) {
        return 4 * Math.ulp((float) magnitude) + 1e-37;
    }
}
