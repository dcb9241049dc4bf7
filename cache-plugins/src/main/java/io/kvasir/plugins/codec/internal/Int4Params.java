package io.kvasir.plugins.codec.internal;

/**
 * Asymmetric 4-bit quantisation of a group of values with a half-precision scale and minimum:
 * {@code x ≈ min + scale × code}, {@code code} in [0, 15].
 *
 * <p>The minimum is rounded to the nearest half and the scale up, from the rounded minimum, so that codes
 * span the group: every element's error is at most {@code scale / 2}, or the minimum's half-precision rounding
 * for an element the clamp at code 0 catches. Both are saturated to ±65504 and stay finite.
 */
public final class Int4Params {

    /** The largest code. */
    public static final int MAX_CODE = 15;

    private Int4Params() {
    }

    /** Scale and minimum half bits for a group spanning {@code [min, max]}, packed as {@code scale << 16 | min}. */
    public static int of(float min, float max) {
        assert min <= max : min + " > " + max;
        short minBits = Half.saturate(min);
        float range = max - Float.float16ToFloat(minBits);
        short scaleBits = range > 0f ? Half.ceilNonNegative(range / MAX_CODE) : 0;
        return (scaleBits << 16) | (minBits & 0xffff);
    }

    public static short scaleBits(int params) {
        return (short) (params >>> 16);
    }

    public static short minBits(int params) {
        return (short) params;
    }

    /** The code of {@code x} under a decoded scale and minimum. */
    public static int code(float x, float scale, float min) {
        if (scale == 0f) {
            return 0;
        }
        int code = Math.round((x - min) / scale);
        return Math.max(0, Math.min(MAX_CODE, code));
    }
}
