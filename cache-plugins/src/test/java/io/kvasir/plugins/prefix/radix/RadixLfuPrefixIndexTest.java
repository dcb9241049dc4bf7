package io.kvasir.plugins.prefix.radix;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.kvasir.api.plugin.PrefixIndex;

class RadixLfuPrefixIndexTest extends RadixPrefixIndexTest {

    @Override
    protected String eviction() {
        return "lfu";
    }

    @Test
    void evictsLeastFrequentlyMatchedLeafFirst() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 1), 10);
        insert(index, tokens(2, 2), 20);
        releaseAll(index, 10, 20);
        match(index, tokens(1, 1));
        match(index, tokens(1, 1));
        match(index, tokens(2, 2));
        assertThat(evict(index, 1)).as("20 matched once, 10 twice").containsExactly(20);
    }

    @Test
    void breaksFrequencyTiesByRecency() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 1), 10);
        insert(index, tokens(2, 2), 20);
        releaseAll(index, 10, 20);
        match(index, tokens(2, 2));
        match(index, tokens(1, 1));
        assertThat(evict(index, 1)).containsExactly(20);
    }

    @Test
    void aLeafExposedByEvictionKeepsItsOwnCount() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 1, 2, 2), 10, 11);
        insert(index, tokens(1, 1, 3, 3), 10, 12);
        insert(index, tokens(4, 4), 40);
        releaseAll(index, 11, 12, 10, 40);
        // Matching either branch also counts for the shared parent (10).
        match(index, tokens(1, 1, 2, 2));
        match(index, tokens(1, 1, 3, 3));
        match(index, tokens(4, 4));
        match(index, tokens(4, 4));
        assertThat(evict(index, 2)).containsExactlyInAnyOrder(11, 12);
        assertThat(evict(index, 1)).as("40 has 2 hits, 10 has 2 and was used earlier").containsExactly(10);
    }
}
