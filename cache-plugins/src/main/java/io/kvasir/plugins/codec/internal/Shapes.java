package io.kvasir.plugins.codec.internal;

/** Argument checks shared by the layouts' constructors. */
final class Shapes {

    static final int MAX_BLOCK_SIZE = 4096;
    static final int MAX_HEAD_DIM = 4096;

    private Shapes() {
    }

    static void check(int blockSize, int headDim) {
        if (blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("blockSize must be in [1, " + MAX_BLOCK_SIZE + "], got " + blockSize);
        }
        if (headDim < 1 || headDim > MAX_HEAD_DIM) {
            throw new IllegalArgumentException("headDim must be in [1, " + MAX_HEAD_DIM + "], got " + headDim);
        }
    }

    /** Largest magnitude of {@code v[offset .. offset+n-1]}. */
    static float absMax(float[] v, int offset, int n) {
        float max = 0f;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, Math.abs(v[offset + i]));
        }
        return max;
    }

    static boolean allFinite(float[] v, int offset, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(v[offset + i])) {
                return false;
            }
        }
        return true;
    }
}
