package io.kvasir.plugins.codec.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import jdk.incubator.vector.FloatVector;

/**
 * int8's vector write path against its scalar one: the same bytes after every write, over data that widens ranges
 * often, ties, zeros, tiny and saturating values. (On 128-bit machines both layouts take the scalar path.)
 */
class Int8WriterTest {

    @ParameterizedTest(name = "block {0} head {1}")
    @CsvSource({"16, 64", "16, 8", "5, 33", "32, 128", "8, 71", "1, 16", "24, 80"})
    void vectorAndScalarWritesStoreTheSameBytes(int blockSize, int headDim) {
        SplittableRandom random = new SplittableRandom(blockSize * 31L + headDim);
        Int8Layout vector = new Int8Layout(blockSize, headDim);
        Int8Layout scalar = new Int8Layout(blockSize, headDim, false);
        float[] k = new float[headDim];
        float[] v = new float[headDim];
        try (Arena arena = Arena.ofConfined()) {
            for (int trial = 0; trial < 400; trial++) {
                MemorySegment a = GarbageRegion.of(arena, vector.bytesPerHeadBlock(), random);
                MemorySegment b = arena.allocate(a.byteSize(), 64).copyFrom(a);
                int kind = trial % Kind.values().length;
                float[] offset = new float[headDim];
                float[] spread = new float[headDim];
                for (int c = 0; c < headDim; c++) {
                    offset[c] = (float) random.nextDouble(-20, 20);
                    spread[c] = (float) Math.exp(random.nextDouble(-12, 6));
                }
                for (int t = 0; t < blockSize; t++) {
                    for (int c = 0; c < headDim; c++) {
                        k[c] = Kind.values()[kind].next(random, offset[c], spread[c]);
                        v[c] = Kind.values()[kind].next(random, 0f, spread[c]);
                    }
                    vector.write(a, t, k, 0, v, 0);
                    scalar.write(b, t, k, 0, v, 0);
                    assertThat(a.mismatch(b)).as("trial %d (%s) slot %d", trial, Kind.values()[kind], t).isEqualTo(-1L);
                }
            }
        }
    }

    @Test
    void roundHalfUpIsMathRoundOnEveryLane() {
        SplittableRandom random = new SplittableRandom(5);
        float[] y = new float[Lanes.L];
        float[] r = new float[Lanes.L];
        for (int i = 0; i < 200_000; i++) {
            for (int j = 0; j < y.length; j++) {
                y[j] = switch (j % 4) {
                    case 0 -> (float) random.nextDouble(-300, 300);
                    case 1 -> random.nextInt(-600, 600) / 2f;
                    case 2 -> Math.nextAfter(random.nextInt(-300, 300) + 0.5f, random.nextBoolean() ? 1e9 : -1e9);
                    default -> Float.intBitsToFloat(0x3effffff + random.nextInt(-2, 3)) * (random.nextBoolean() ? 1 : -1);
                };
            }
            Int8Writer.roundHalfUp(FloatVector.fromArray(Lanes.F, y, 0)).intoArray(r, 0);
            for (int j = 0; j < y.length; j++) {
                assertThat(r[j]).as("round(%s)", y[j]).isEqualTo((float) Math.round(y[j]));
            }
        }
    }

    /** Value distributions; each channel has its own offset and spread. */
    private enum Kind {
        GAUSSIAN, TIES, ZEROS_AND_TINY, SATURATING, ANY_FINITE;

        float next(SplittableRandom random, float offset, float spread) {
            return switch (this) {
                case GAUSSIAN -> (float) (random.nextGaussian() * spread + offset);
                case TIES -> random.nextInt(3) == 0 ? 1.5f : Math.round(random.nextGaussian() * 8) / 4f;
                case ZEROS_AND_TINY -> random.nextInt(4) == 0 ? 0f
                        : random.nextBoolean() ? -0f : (float) random.nextGaussian() * 1e-6f;
                case SATURATING -> (float) (random.nextGaussian() * 1e5);
                case ANY_FINITE -> {
                    float x;
                    do {
                        x = Float.intBitsToFloat(random.nextInt());
                    } while (!Float.isFinite(x));
                    yield x % 70000f;
                }
            };
        }
    }
}
