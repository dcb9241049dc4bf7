package io.kvasir.plugins.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kvasir.api.plugin.KvCodec;

/** Bytes per K or V element, scales and staging included, over the block shapes the engine uses. */
class KvCodecMemoryTest {

    private static final int[] HEAD_DIMS = {64, 80, 96, 112, 128};
    private static final int[] BLOCK_SIZES = {16, 24, 32};

    private static double bytesPerElement(KvCodec codec, int blockSize, int headDim) {
        return codec.layout(blockSize, headDim).bytesPerHeadBlock() / (2.0 * blockSize * headDim);
    }

    private static KvCodec codec(String name) {
        return CodecCase.of(name, Map.of()).codec();
    }

    @Test
    void floatCodecsTakeExactlyTheirElementSize() {
        for (int headDim : HEAD_DIMS) {
            for (int blockSize : BLOCK_SIZES) {
                assertThat(bytesPerElement(codec("f32"), blockSize, headDim)).isEqualTo(4.0);
                assertThat(bytesPerElement(codec("f16"), blockSize, headDim)).isEqualTo(2.0);
            }
        }
    }

    @Test
    void int8AddsFourBytesPerChannelAndBlock() {
        // K minimum (f16) and scale (1 byte), V scale (1 byte) per channel: 3.56x less than f32 at block 16.
        for (int headDim : new int[] {8, 64, 80, 128}) {
            for (int blockSize : BLOCK_SIZES) {
                double bytes = bytesPerElement(codec("int8"), blockSize, headDim);
                assertThat(bytes).as("block %d head %d", blockSize, headDim)
                        .isCloseTo(1 + 2.0 / blockSize, org.assertj.core.data.Offset.offset(1e-12))
                        .isLessThanOrEqualTo(4 / 3.5);
            }
        }
    }

    @Test
    void fp8AddsOneScalePerVectorAndAnF16KeyReferencePerBlock() {
        for (int headDim : HEAD_DIMS) {
            for (int blockSize : BLOCK_SIZES) {
                double bytes = bytesPerElement(codec("fp8-e4m3"), blockSize, headDim);
                assertThat(bytes).as("block %d head %d", blockSize, headDim)
                        .isCloseTo(1 + 4.0 / headDim + 1.0 / blockSize, org.assertj.core.data.Offset.offset(1e-12))
                        .isLessThanOrEqualTo(4 / 3.5);
            }
        }
    }

    @Test
    void kiviTakesAtMostPointEightBytesPerElementFromHeadSizeEightUp() {
        // The region as the engine stores it, padded to 16 bytes; staging lives outside the blocks.
        for (int headDim : new int[] {8, 16, 32, 64, 80, 96, 112, 128}) {
            for (int blockSize : BLOCK_SIZES) {
                long padded = (codec("int4-kivi").layout(blockSize, headDim).bytesPerHeadBlock() + 15) & -16;
                assertThat(padded / (2.0 * blockSize * headDim)).as("block %d head %d", blockSize, headDim)
                        .isLessThanOrEqualTo(4 / 5.0);
            }
        }
    }

    @Test
    void kiviRegionSizesAddUp() {
        // K: 32 pairs × 16 tokens of codes = 512, 64 × (f16 scale, f16 min) = 256; V: 16 rows × 32 bytes + 16 ×
        // (scale byte, zero point) = 544. Staging: 64 channels × 16 f16 slots.
        assertThat(codec("int4-kivi").layout(16, 64).bytesPerHeadBlock()).isEqualTo(512 + 256 + 544);
        assertThat(codec("int4-kivi").layout(16, 64).stagingBytesPerHeadBlock()).isEqualTo(64 * 16 * 2);
        // Head size 8: 64 + 32 + 64 + 32 = 192 bytes, 12 per token: 5.3x less than f32's 64.
        assertThat(codec("int4-kivi").layout(16, 8).bytesPerHeadBlock()).isEqualTo(192);
        assertThat(codec("int4-kivi").layout(1, 64).stagingBytesPerHeadBlock()).isZero();
        assertThat(codec("int8").layout(16, 64).bytesPerHeadBlock()).isEqualTo(2 * 16 * 64 + 4 * 64);
        assertThat(codec("int8").layout(16, 64).stagingBytesPerHeadBlock()).isZero();
        assertThat(codec("fp8-e4m3").layout(16, 64).bytesPerHeadBlock()).isEqualTo(2 * 16 * (64 + 4) + 2 * 64);
        assertThat(CodecCase.of("int4-kivi", Map.of("value_group_size", 32)).codec().layout(16, 64)
                .bytesPerHeadBlock()).isEqualTo(512 + 256 + 16 * 32 + 16 * 2 * 2);
    }
}
