package io.kvasir.engine.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class BlockHasherTest {

    private static final int[] TOKENS = {1, 15043, 29892, 920, 526, 366, 29973, 13};

    @Test
    void equalBlocksHashEqually() {
        int[] copy = {99, 1, 15043, 29892, 920};

        assertThat(hash(BlockHasher.ROOT_PARENT_HASH, TOKENS, 0, 4, 7L))
                .isEqualTo(hash(BlockHasher.ROOT_PARENT_HASH, copy, 1, 5, 7L));
    }

    @Test
    void theHashDependsOnTheParentTheSaltTheTokensAndTheirOrder() {
        long base = hash(BlockHasher.ROOT_PARENT_HASH, TOKENS, 0, 4, 7L);
        int[] swapped = {15043, 1, 29892, 920};
        int[] lastChanged = {1, 15043, 29892, 921};

        assertThat(hash(base, TOKENS, 0, 4, 7L)).isNotEqualTo(base);
        assertThat(hash(BlockHasher.ROOT_PARENT_HASH, TOKENS, 0, 4, 8L)).isNotEqualTo(base);
        assertThat(hash(BlockHasher.ROOT_PARENT_HASH, swapped, 0, 4, 7L)).isNotEqualTo(base);
        assertThat(hash(BlockHasher.ROOT_PARENT_HASH, lastChanged, 0, 4, 7L)).isNotEqualTo(base);
        assertThat(hash(BlockHasher.ROOT_PARENT_HASH, TOKENS, 0, 3, 7L)).isNotEqualTo(base);
    }

    @Test
    void chainsSoEqualBlocksUnderDifferentPrefixesDiffer() {
        int[] a = {1, 2, 3, 4, 5, 6};
        int[] b = {9, 2, 3, 4, 5, 6};
        long parentA = hash(BlockHasher.ROOT_PARENT_HASH, a, 0, 3, 0L);
        long parentB = hash(BlockHasher.ROOT_PARENT_HASH, b, 0, 3, 0L);

        assertThat(hash(parentA, a, 3, 6, 0L)).isNotEqualTo(hash(parentB, b, 3, 6, 0L));
    }

    @Test
    void singleTokenBlocksOverTheWholeVocabularyDoNotCollide() {
        Set<Long> seen = new HashSet<>();
        int[] token = new int[1];
        for (int t = 0; t < 200_000; t++) {
            token[0] = t;
            seen.add(hash(BlockHasher.ROOT_PARENT_HASH, token, 0, 1, 42L));
        }
        assertThat(seen).hasSize(200_000);
    }

    @Test
    void isStableAcrossReleases() {
        // Hashes may be persisted by offload tiers: a change here invalidates stored blocks.
        assertThat(hash(BlockHasher.ROOT_PARENT_HASH, TOKENS, 0, 8, 0L)).isEqualTo(274368734542477123L);
    }

    @Test
    void rejectsEmptyOrOutOfRangeBlocks() {
        assertThatIllegalArgumentException().isThrownBy(() -> hash(0L, TOKENS, 2, 2, 0L)).withMessageContaining("at least one token");
        assertThatThrownBy(() -> hash(0L, TOKENS, 4, 9, 0L)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static long hash(long parent, int[] tokens, int from, int to, long salt) {
        return BlockHasher.computeBlockHash(parent, tokens, from, to, salt);
    }
}
