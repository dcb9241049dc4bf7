package io.kvasir.engine.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class KvCacheLayoutTest {

    // Llama 3 8B: 32 layers, 8 KV heads (GQA over 32 query heads), head dim 128, f16 cache.
    private final KvCacheLayout llama3_8b = new KvCacheLayout(32, 8, 128, 16, 2);

    @Test
    void bytesPerTokenCountsKeysAndValuesOfKvHeadsOnly() {
        assertThat(llama3_8b.bytesPerToken()).isEqualTo(2L * 32 * 8 * 128 * 2).isEqualTo(128 * 1024);
        assertThat(llama3_8b.bytesPerBlock()).isEqualTo(16L * 128 * 1024).isEqualTo(2 * 1024 * 1024);
    }

    @Test
    void budgetHoldsWholeBlocksOnly() {
        long eightGiB = 8L << 30;

        assertThat(llama3_8b.numBlocksForBudget(eightGiB)).isEqualTo(4096);
        assertThat(llama3_8b.numBlocksForBudget(eightGiB - 1)).isEqualTo(4095);
        assertThat(llama3_8b.numBlocksForBudget(0)).isZero();
    }

    @Test
    void budgetIsCappedAtTheLargestPool() {
        KvCacheLayout tiny = new KvCacheLayout(1, 1, 1, 16, 1);

        int numBlocks = tiny.numBlocksForBudget(Long.MAX_VALUE);

        assertThat(numBlocks).isEqualTo(Math.min(BlockPool.MAX_NUM_BLOCKS, Integer.MAX_VALUE / 16));
        assertThat((long) numBlocks * 16).isLessThanOrEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void rejectsBadFieldsNamingThem() {
        assertThatIllegalArgumentException().isThrownBy(() -> new KvCacheLayout(0, 8, 128, 16, 2)).withMessageContaining("numLayers");
        assertThatIllegalArgumentException().isThrownBy(() -> new KvCacheLayout(32, 0, 128, 16, 2)).withMessageContaining("numKvHeads");
        assertThatIllegalArgumentException().isThrownBy(() -> new KvCacheLayout(32, 8, -1, 16, 2)).withMessageContaining("headDim");
        assertThatIllegalArgumentException().isThrownBy(() -> new KvCacheLayout(32, 8, 128, 0, 2)).withMessageContaining("blockSize");
        assertThatIllegalArgumentException().isThrownBy(() -> new KvCacheLayout(32, 8, 128, 16, 0)).withMessageContaining("bytesPerElement");
        assertThatIllegalArgumentException().isThrownBy(() -> llama3_8b.numBlocksForBudget(-1)).withMessageContaining("bytes");
        int max = Integer.MAX_VALUE;
        assertThatIllegalArgumentException().isThrownBy(() -> new KvCacheLayout(max, max, max, max, max)).withMessageContaining("too large");
    }
}
