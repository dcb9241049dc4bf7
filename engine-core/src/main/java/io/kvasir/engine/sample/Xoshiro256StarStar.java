package io.kvasir.engine.sample;

/**
 * The xoshiro256** generator (Blackman and Vigna, 2018), seeded through SplitMix64.
 *
 * <p>Chosen because its output is fully specified by the published algorithm, so a seed gives the same
 * tokens on every JDK, and it is fast and small (four longs, no allocation).
 *
 * <p>Invariant: the state is never all zero (SplitMix64 never yields four zero outputs in a row).
 */
final class Xoshiro256StarStar {

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long s0;
    private long s1;
    private long s2;
    private long s3;

    /** Seeds the four state words with consecutive SplitMix64 outputs, as the authors recommend. */
    Xoshiro256StarStar(long seed) {
        long x = seed;
        x += GOLDEN_GAMMA;
        s0 = mix64(x);
        x += GOLDEN_GAMMA;
        s1 = mix64(x);
        x += GOLDEN_GAMMA;
        s2 = mix64(x);
        x += GOLDEN_GAMMA;
        s3 = mix64(x);
    }

    private Xoshiro256StarStar(long s0, long s1, long s2, long s3) {
        if ((s0 | s1 | s2 | s3) == 0) {
            throw new IllegalArgumentException("state must not be all zero");
        }
        this.s0 = s0;
        this.s1 = s1;
        this.s2 = s2;
        this.s3 = s3;
    }

    /** A generator with exactly this state, for checking against the reference implementation's outputs. */
    static Xoshiro256StarStar ofState(long s0, long s1, long s2, long s3) {
        return new Xoshiro256StarStar(s0, s1, s2, s3);
    }

    /** The next 64 random bits. */
    long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** A uniform double in [0, 1) from the top 53 bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's output function (Steele, Lea and Flood). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
