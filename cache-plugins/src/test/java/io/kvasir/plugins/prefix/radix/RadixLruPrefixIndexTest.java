package io.kvasir.plugins.prefix.radix;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.kvasir.api.plugin.PrefixIndex;

class RadixLruPrefixIndexTest extends RadixPrefixIndexTest {

    @Override
    protected String eviction() {
        return "lru";
    }

    @Test
    void evictsLeastRecentlyUsedLeafFirst() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 1), 10);
        insert(index, tokens(2, 2), 20);
        releaseAll(index, 10, 20);
        match(index, tokens(1, 1));
        assertThat(evict(index, 1)).as("the match made 10 the more recent").containsExactly(20);
    }

    @Test
    void evictsLeastRecentlyUsedLeafFirstEvenWhenItWasMatchedMoreOften() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 1), 10);
        insert(index, tokens(2, 2), 20);
        releaseAll(index, 10, 20);
        match(index, tokens(1, 1));
        match(index, tokens(1, 1));
        match(index, tokens(2, 2));
        assertThat(evict(index, 1)).containsExactly(10);
    }
}
