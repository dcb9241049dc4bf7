package io.kvasir.plugins.codec.internal;

/**
 * Asymmetric 4-bit quantisation of a group in two bytes: a {@link ScaleByte} scale {@code s} and a signed zero point
 * {@code z}, {@code x ≈ s × (code - z)}, {@code code} in [0, 15]. Half the size of an f16 scale and minimum, for
 * the per-token value parameters that dominate a small head's block.
 *
 * <p>The pair is chosen so that the codes span the group: {@code s × (0 - z) <= min} and {@code s × (15 - z) >= max},
 * so every element rounds to its nearest code with an error of at most {@code s / 2}. The scale starts at the least
 * that could work, {@code max(range / 15, absMax / 127)} (the second keeps {@code z} within a byte), rounded up to
 * a scale byte, and grows by scale-byte steps until an integer zero point fits: one always does by
 * {@code max(range / 14, absMax / 127)}, so that is one step at most. The zero point is the middle of the ones that fit. All zeros give {@code s = 0}.
 */
public final class Int4ZeroPoint {

    private static final int MAX_CODE = Int4Params.MAX_CODE;
    /**
     * {@code z} is a signed byte: a group below zero needs {@code -min / s <= z <= 127}, so {@code s >= absMax / 127}
     * (one above zero needs only {@code absMax / 143}).
     */
    private static final float ZERO_POINT_REACH = Byte.MAX_VALUE;

    private Int4ZeroPoint() {
    }

    /** The parameters of a group spanning {@code [min, max]}, packed as {@code scaleCode << 8 | zero & 0xff}. */
    public static int of(float min, float max) {
        assert min <= max : min + " > " + max;
        float absMax = Math.max(Math.abs(min), Math.abs(max));
        if (absMax == 0f) {
            return 0;
        }
        int code = ScaleByte.ceil(Math.max((max - min) / MAX_CODE, absMax / ZERO_POINT_REACH)) & 0xff;
        for (;; code++) {
            float scale = ScaleByte.decode((byte) code);
            double lowest = Math.max(Math.ceil(-min / scale), Byte.MIN_VALUE);
            double highest = Math.min(Math.floor(MAX_CODE - max / scale), Byte.MAX_VALUE);
            if (lowest <= highest || code == ScaleByte.MAX_CODE) {
                long zero = Math.round((lowest + highest) / 2);
                return code << 8 | (int) Math.max(Byte.MIN_VALUE, Math.min(Byte.MAX_VALUE, zero)) & 0xff;
            }
        }
    }

    public static byte scaleCode(int params) {
        return (byte) (params >>> 8);
    }

    public static byte zero(int params) {
        return (byte) params;
    }

    /** The code of {@code x} under a decoded scale and a zero point. */
    public static int code(float x, float scale, int zero) {
        if (scale == 0f) {
            return Math.max(0, Math.min(MAX_CODE, zero));
        }
        return Math.max(0, Math.min(MAX_CODE, Math.round(x / scale) + zero));
    }

    /** The value a code stands for. */
    public static float decode(int code, float scale, int zero) {
        return scale * (code - zero);
    }
}
