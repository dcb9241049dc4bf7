package io.kvasir.plugins.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.kvasir.api.plugin.KvBlockLayout;

class KvCodecRoundTripTest {

    static final int[] HEAD_DIMS = {64, 80, 96, 128, 72, 33};
    static final int[] BLOCK_SIZES = {16, 32, 5, 1};

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (CodecCase codec : CodecCase.all()) {
            for (int headDim : HEAD_DIMS) {
                for (int blockSize : BLOCK_SIZES) {
                    cases.add(Arguments.of(codec, blockSize, headDim));
                }
            }
        }
        return cases;
    }

    static int valueGroupSize(CodecCase codec) {
        return codec.label().contains("value_group_size=32") ? 32 : 0;
    }

    @ParameterizedTest(name = "{0} block {1} head {2}")
    @MethodSource("cases")
    void everySlotReadsBackWithinTheCodecsErrorBoundAfterEveryWrite(CodecCase codec, int blockSize, int headDim) {
        for (long seed = 1; seed <= 3; seed++) {
            SplittableRandom random = new SplittableRandom(seed * 7919 + headDim * 31L + blockSize);
            KvData data = KvData.random(random, blockSize, headDim);
            KvBlockLayout layout = codec.codec().layout(blockSize, headDim);
            try (Arena arena = Arena.ofConfined()) {
                TestBlock block = new TestBlock(layout, blockSize, arena, random);
                int pad = 3;
                float[] k = new float[headDim + 2 * pad];
                float[] v = new float[headDim + 2 * pad];
                for (int written = 1; written <= blockSize; written++) {
                    System.arraycopy(data.k[written - 1], 0, k, pad, headDim);
                    System.arraycopy(data.v[written - 1], 0, v, pad + 1, headDim);
                    block.write(written - 1, k, pad, v, pad + 1);
                    for (int slot = 0; slot < written; slot++) {
                        checkSlot(codec, block, data, written, slot, "seed " + seed);
                    }
                }
            }
        }
    }

    static void checkSlot(CodecCase codec, TestBlock block, KvData data, int written,
            int slot, String context) {
        int headDim = data.headDim;
        float[] k = new float[headDim + 2];
        float[] v = new float[headDim + 5];
        k[0] = 42f;
        v[headDim + 4] = 43f;
        block.read(slot, k, 1, v, 2);
        assertThat(k[0]).as("read writes no element before kOffset").isEqualTo(42f);
        assertThat(v[headDim + 4]).as("read writes no element after the value vector").isEqualTo(43f);
        for (int c = 0; c < headDim; c++) {
            double kBound = ErrorBounds.key(codec.name(), data, written, slot, c);
            double vBound = ErrorBounds.value(codec.name(), data, written, slot, c, valueGroupSize(codec));
            float kErr = Math.abs(k[1 + c] - data.k[slot][c]);
            float vErr = Math.abs(v[2 + c] - data.v[slot][c]);
            if (!(kErr <= kBound) || !(vErr <= vBound)) {
                fail("%s, %s: slot %d channel %d of %d written: K %s -> %s (error %s > %s), V %s -> %s (error %s > %s)"
                        .formatted(codec, context, slot, c, written, data.k[slot][c], k[1 + c], kErr, kBound,
                                data.v[slot][c], v[2 + c], vErr, vBound));
            }
        }
    }
}
