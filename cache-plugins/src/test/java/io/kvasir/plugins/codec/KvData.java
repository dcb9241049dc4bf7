package io.kvasir.plugins.codec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Random K and V blocks shaped like attention activations: per-channel scales and offsets, a few outliers. */
final class KvData {

    final int blockSize;
    final int headDim;
    final float[][] k;
    final float[][] v;

    KvData(int blockSize, int headDim, float[][] k, float[][] v) {
        this.blockSize = blockSize;
        this.headDim = headDim;
        this.k = k;
        this.v = v;
    }

    static KvData random(SplittableRandom random, int blockSize, int headDim) {
        float[] channelScale = new float[headDim];
        float[] channelOffset = new float[headDim];
        for (int c = 0; c < headDim; c++) {
            channelScale[c] = (float) (random.nextDouble(0.05, 2.0) * (random.nextInt(16) == 0 ? 20 : 1));
            channelOffset[c] = (float) random.nextDouble(-1.0, 1.0);
        }
        float[][] k = new float[blockSize][headDim];
        float[][] v = new float[blockSize][headDim];
        for (int t = 0; t < blockSize; t++) {
            for (int c = 0; c < headDim; c++) {
                k[t][c] = (float) (gaussian(random) * channelScale[c] + channelOffset[c]);
                v[t][c] = (float) gaussian(random);
            }
        }
        return new KvData(blockSize, headDim, k, v);
    }

    static KvData filled(int blockSize, int headDim, float value) {
        float[][] k = new float[blockSize][headDim];
        float[][] v = new float[blockSize][headDim];
        for (int t = 0; t < blockSize; t++) {
            java.util.Arrays.fill(k[t], value);
            java.util.Arrays.fill(v[t], value);
        }
        return new KvData(blockSize, headDim, k, v);
    }

    static double gaussian(SplittableRandom random) {
        double u = random.nextDouble(1e-12, 1.0);
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    static float[] randomVector(SplittableRandom random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) gaussian(random);
        }
        return x;
    }

    /** A 64-byte aligned region of exactly {@code bytes}, filled with garbage as a reused block would be. */
    static MemorySegment region(Arena arena, long bytes, SplittableRandom random) {
        MemorySegment region = arena.allocate(bytes, 64);
        for (long i = 0; i < bytes; i++) {
            region.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) random.nextInt());
        }
        return region;
    }
}
