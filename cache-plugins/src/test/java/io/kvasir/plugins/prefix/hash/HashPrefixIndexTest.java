package io.kvasir.plugins.prefix.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kvasir.api.plugin.PrefixIndex;
import io.kvasir.plugins.prefix.PrefixIndexContractTest;
import io.kvasir.plugins.prefix.hash.internal.HashPrefixIndex;

class HashPrefixIndexTest extends PrefixIndexContractTest {

    @Override
    protected PrefixIndex newIndex() {
        HashPrefixIndexProvider provider = new HashPrefixIndexProvider();
        return provider.create(provider.configSchema().validate(Map.of()));
    }

    @Override
    protected boolean evictsChildrenFirst() {
        return false;
    }

    @Override
    protected boolean evictsInReleaseOrder() {
        return true;
    }

    @Override
    protected void checkInvariants(PrefixIndex index) {
        ((HashPrefixIndex) index).checkInvariants();
    }

    @Override
    protected void assertStructureEmpty(PrefixIndex index) {
        assertThat(index.stats().numCachedBlocks()).isZero();
    }

    @Test
    void evictsAReleasedParentWhileABlockCachedAfterItIsStillReferenced() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2), 10);
        // Another request computed the same first block itself (20, a duplicate) and went on to block 21.
        insert(index, tokens(1, 2, 3, 4), 20, 21);
        releaseAll(index, 10);
        assertThat(index.numEvictableBlocks()).isEqualTo(1);
        assertThat(evict(index, 5)).containsExactly(10);
        assertThat(match(index, tokens(1, 2, 3, 4))).as("21 is unreachable without its parent").isEmpty();
        // The first block cached again has the same key, so 21 is found again below it.
        insert(index, tokens(1, 2), 30);
        assertThat(match(index, tokens(1, 2, 3, 4))).containsExactly(30, 21);
    }

    @Test
    void matchDoesNotChangeEvictionOrder() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 1), 10);
        insert(index, tokens(2, 2), 20);
        releaseAll(index, 10, 20);
        match(index, tokens(1, 1));
        assertThat(evict(index, 1)).containsExactly(10);
    }

    @Test
    void aBlockReleasedAgainGoesToTheBackOfTheQueue() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 1), 10);
        insert(index, tokens(2, 2), 20);
        insert(index, tokens(3, 3), 30);
        releaseAll(index, 10, 20, 30);
        index.onReferenced(10);
        index.onUnreferenced(10);
        assertThat(evict(index, 3)).containsExactly(20, 30, 10);
    }

    @Test
    void blocksOfOnePrefixAreEvictedInTheOrderTheyWereReleased() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4, 5, 6), 10, 11, 12);
        // The engine releases a finished request's blocks last first, so its tail goes before its prefix.
        releaseAll(index, 12, 11, 10);
        assertThat(evict(index, 1)).containsExactly(12);
        assertThat(match(index, tokens(1, 2, 3, 4, 5, 6))).containsExactly(10, 11);
    }
}
