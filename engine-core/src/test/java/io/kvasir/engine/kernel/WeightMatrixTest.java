package io.kvasir.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import io.kvasir.engine.gguf.GgmlType;

class WeightMatrixTest {

    @Test
    void dequantizeRowMatchesReferenceForEveryTypeAndRow() {
        int numChecked = 0;
        for (GgmlType type : TestWeights.TYPES) {
            int block = type.blockSize();
            for (int cols : new int[] {256, 512, 1280}) {
                if (type.blockSize() == 1) {
                    cols += 3;
                }
                int rows = 5;
                MemorySegment data = TestWeights.randomMatrix(type, rows, cols, 31L * cols + type.id());
                WeightMatrix w = WeightMatrix.of(type, data, rows, cols);
                float[][] expected = ReferenceDequantizer.dequantizeMatrix(type, data, rows, cols);
                for (int r = 0; r < rows; r++) {
                    float[] actual = new float[cols + 7];
                    w.dequantizeRow(r, actual, 7);
                    for (int c = 0; c < cols; c++) {
                        float e = expected[r][c];
                        assertThat(actual[7 + c]).as("%s row %d col %d (block %d)", type, r, c, block)
                                .isCloseTo(e, within(Math.abs(e) * 1e-6f + 1e-30f));
                    }
                    numChecked++;
                }
            }
        }
        assertThat(numChecked).isEqualTo(TestWeights.TYPES.size() * 3 * 5);
    }

    @Test
    void dequantizesColumnRangesUsedByPanels() {
        int numChecked = 0;
        for (GgmlType type : TestWeights.TYPES) {
            int rows = 3;
            int cols = 1024;
            MemorySegment data = TestWeights.randomMatrix(type, rows, cols, 7 + type.id());
            WeightMatrix w = WeightMatrix.of(type, data, rows, cols);
            float[][] expected = ReferenceDequantizer.dequantizeMatrix(type, data, rows, cols);
            for (int col = 0; col < cols; col += 256) {
                float[] panel = new float[256];
                w.dequantize(2, col, 256, panel, 0);
                for (int c = 0; c < 256; c++) {
                    float e = expected[2][col + c];
                    assertThat(panel[c]).isCloseTo(e, within(Math.abs(e) * 1e-6f + 1e-30f));
                }
                numChecked++;
            }
        }
        assertThat(numChecked).isEqualTo(TestWeights.TYPES.size() * 4);
    }

    @Test
    void dotRowMatchesReferenceDot() {
        int numChecked = 0;
        for (GgmlType type : TestWeights.TYPES) {
            for (int cols : new int[] {256, 768, 2048}) {
                if (type.blockSize() == 1) {
                    cols += 5;
                }
                int rows = 4;
                MemorySegment data = TestWeights.randomMatrix(type, rows, cols, 17L * cols + type.id());
                WeightMatrix w = WeightMatrix.of(type, data, rows, cols);
                float[][] weights = ReferenceDequantizer.dequantizeMatrix(type, data, rows, cols);
                float[] x = TestWeights.randomActivations(cols + 3, cols);
                for (int r = 0; r < rows; r++) {
                    double expected = 0;
                    double magnitude = 0;
                    for (int c = 0; c < cols; c++) {
                        expected += (double) weights[r][c] * x[3 + c];
                        magnitude += Math.abs((double) weights[r][c] * x[3 + c]);
                    }
                    assertThat((double) w.dotRow(r, x, 3)).as("%s cols %d row %d", type, cols, r)
                            .isCloseTo(expected, within(magnitude * 2e-6));
                    numChecked++;
                }
            }
        }
        assertThat(numChecked).isEqualTo(TestWeights.TYPES.size() * 3 * 4);
    }

    @Test
    void readsNativeSegments() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment heap = TestWeights.randomMatrix(GgmlType.Q4_K, 2, 512, 99);
            MemorySegment offHeap = arena.allocate(heap.byteSize() + 3).asSlice(3);
            offHeap.copyFrom(heap);
            WeightMatrix onHeap = WeightMatrix.of(GgmlType.Q4_K, heap, 2, 512);
            WeightMatrix native_ = WeightMatrix.of(GgmlType.Q4_K, offHeap, 2, 512);
            float[] x = TestWeights.randomActivations(512, 5);
            assertThat(native_.dotRow(1, x, 0)).isEqualTo(onHeap.dotRow(1, x, 0));
        }
    }

    @Test
    void halfPrecisionWidensSpecialValuesExactly() {
        short[] halfs = {0, (short) 0x8000, 1, (short) 0x8001, 0x03ff, 0x0400, 0x3c00, 0x7bff, 0x7c00,
                (short) 0xfc00, 0x7e00, 0x7c01, (short) 0xc000, 0x3555, 0x0200, 0x1234};
        MemorySegment data = MemorySegment.ofArray(new byte[2 * 32]);
        for (int i = 0; i < 32; i++) {
            data.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 2L * i, halfs[i % halfs.length]);
        }
        WeightMatrix w = WeightMatrix.of(GgmlType.F16, data, 1, 32);
        float[] actual = new float[32];
        w.dequantizeRow(0, actual, 0);
        for (int i = 0; i < 32; i++) {
            float expected = Float.float16ToFloat(halfs[i % halfs.length]);
            if (Float.isNaN(expected)) {
                assertThat(actual[i]).as("half 0x%04x", halfs[i % halfs.length]).isNaN();
                continue;
            }
            assertThat(Float.floatToRawIntBits(actual[i])).as("half 0x%04x", halfs[i % halfs.length])
                    .isEqualTo(Float.floatToRawIntBits(expected));
        }
    }

    @Test
    void rejectsBadShapesAndTypes() {
        MemorySegment data = MemorySegment.ofArray(new byte[34 * 4]);
        assertThatThrownBy(() -> WeightMatrix.of(GgmlType.Q8_0, data, 2, 48))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of");
        assertThatThrownBy(() -> WeightMatrix.of(GgmlType.Q8_0, data, 5, 32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs");
        assertThatThrownBy(() -> WeightMatrix.of(GgmlType.Q5_K, data, 1, 256))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no kernels");
        assertThatThrownBy(() -> WeightMatrix.of(GgmlType.Q8_0, data, 0, 32))
                .isInstanceOf(IllegalArgumentException.class);
        WeightMatrix w = WeightMatrix.of(GgmlType.Q8_0, data, 4, 32);
        assertThatThrownBy(() -> w.dequantizeRow(4, new float[32], 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> w.dotRow(0, new float[31], 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
