package io.kvasir.engine.plugin;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Map;

import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.KvBlockLayout;
import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.KvCodecProvider;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.api.plugin.PluginKind;

/**
 * The {@code test-staged-f32} codec (registered in the test class path's META-INF/services): the {@code f32} codec's
 * numbers, but while a block is partly filled its keys live only in the staging the engine lends it
 * ({@link KvBlockLayout#stagingBytesPerHeadBlock()}); the write of the block's last slot moves them into the region.
 * Scores and reads use the staging when given one and the region otherwise, through the f32 layout's own kernels
 * on the same rows, so it computes exactly what {@code f32} computes: engine tests demand the same tokens (and
 * log-probabilities up to the last bits the JIT's reduction order may move in any two runs).
 *
 * <p>It checks the engine's side of the staging contract and throws {@link IllegalStateException} when it is broken:
 * a write without staging, a write of slot {@code i > 0} of a block whose slot 0 was not written, scores or a read of
 * an open block without its staging, a read of a sealed block with staging, or scores of all a block's slots through
 * staging (the engine may score a block sealed in the current step through its staging, for the queries written into
 * it before its last slot, so this layout leaves the staging as it is when it seals). To tell open from sealed it
 * keeps a state word after the f32 rows of each region. The staging has the f32 region's shape (its value rows stay
 * unused) so that the f32 kernel scores it as it scores a region. Under assertions the engine fills an area it takes
 * back with NaN, so scores through staging it had already taken back would show.
 */
public final class StagedF32CodecProvider implements KvCodecProvider {

    public static final String NAME = "test-staged-f32";

    /** The codec, for tests that build KV memory without a registry. */
    public static KvCodec codec() {
        KvCodec f32 = PluginRegistry.load().create(PluginKind.KV_CODEC, "f32", Map.of(), KvCodec.class);
        return new KvCodec() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public KvBlockLayout layout(int blockSize, int headDim) {
                return new Layout(f32.layout(blockSize, headDim), blockSize, headDim);
            }
        };
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "f32 whose partly filled blocks keep their keys in the engine's staging (test only).";
    }

    @Override
    public ConfigSchema configSchema() {
        return ConfigSchema.empty();
    }

    @Override
    public KvCodec create(PluginConfig config) {
        return codec();
    }

    /**
     * The f32 rows (K rows of all slots, then V rows), then a state word: {@link #OPEN} from slot 0's write until the
     * last slot's, {@link #SEALED} after. While open, K rows live in the staging at the offsets f32 gives them in a
     * region, V rows in the region.
     */
    private static final class Layout implements KvBlockLayout {

        private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final int OPEN = 0x4F50454E;
        private static final int SEALED = 0x5345414C;

        private final KvBlockLayout f32;
        private final int blockSize;
        private final int headDim;
        private final long rowBytes;
        private final long keyBytes;
        private final long stateOffset;

        Layout(KvBlockLayout f32, int blockSize, int headDim) {
            this.f32 = f32;
            this.blockSize = blockSize;
            this.headDim = headDim;
            this.rowBytes = 4L * headDim;
            this.keyBytes = blockSize * rowBytes;
            this.stateOffset = f32.bytesPerHeadBlock();
        }

        @Override
        public long bytesPerHeadBlock() {
            return stateOffset + Integer.BYTES;
        }

        @Override
        public long stagingBytesPerHeadBlock() {
            return f32.bytesPerHeadBlock();
        }

        @Override
        public void write(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v,
                int vOffset) {
            if (staging.byteSize() < stagingBytesPerHeadBlock()) {
                throw new IllegalStateException("write of slot " + slot + " without staging (" + staging.byteSize()
                        + " bytes)");
            }
            if (slot == 0) {
                region.set(INT, stateOffset, OPEN);
            } else if (region.get(INT, stateOffset) != OPEN) {
                throw new IllegalStateException("write of slot " + slot + " into a block whose slot 0 was not written");
            }
            MemorySegment.copy(k, kOffset, staging, FLOAT, slot * rowBytes, headDim);
            MemorySegment.copy(v, vOffset, region, FLOAT, keyBytes + slot * rowBytes, headDim);
            if (slot == blockSize - 1) {
                // The staging stays as it is: the step's earlier queries into this block still score from it.
                MemorySegment.copy(staging, 0, region, 0, keyBytes);
                region.set(INT, stateOffset, SEALED);
            }
        }

        @Override
        public void keyScores(MemorySegment region, MemorySegment staging, int numSlots, float[] q, int qOffset,
                float scale, float[] scores, int scoresOffset) {
            if (staging.byteSize() > 0 && numSlots >= blockSize) {
                throw new IllegalStateException("scores of all " + numSlots + " slots through the staging");
            }
            f32.keyScores(keys(region, staging, "scores"), MemorySegment.NULL, numSlots, q, qOffset, scale, scores,
                    scoresOffset);
        }

        @Override
        public void accumulateValues(MemorySegment region, int numSlots, float[] weights, int weightsOffset,
                float[] out, int outOffset) {
            f32.accumulateValues(region, numSlots, weights, weightsOffset, out, outOffset);
        }

        @Override
        public void read(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v,
                int vOffset) {
            MemorySegment.copy(keys(region, staging, "read"), FLOAT, slot * rowBytes, k, kOffset, headDim);
            MemorySegment.copy(region, FLOAT, keyBytes + slot * rowBytes, v, vOffset, headDim);
        }

        /** Where the block's K rows are: the staging while it is open, the region once sealed. */
        private MemorySegment keys(MemorySegment region, MemorySegment staging, String what) {
            int state = region.get(INT, stateOffset);
            if (staging.byteSize() == 0) {
                if (state != SEALED) {
                    throw new IllegalStateException(what + " of a partly filled block without its staging");
                }
                return region;
            }
            // Scores may get a block sealed in this step through its staging (see KvBlockLayout); reads may not.
            if (state != OPEN && !(state == SEALED && what.equals("scores"))) {
                throw new IllegalStateException(what + " of a " + (state == SEALED ? "sealed" : "never written")
                        + " block with staging");
            }
            if (staging.byteSize() < stagingBytesPerHeadBlock()) {
                throw new IllegalStateException(what + " with " + staging.byteSize() + " bytes of staging");
            }
            return staging;
        }
    }
}
