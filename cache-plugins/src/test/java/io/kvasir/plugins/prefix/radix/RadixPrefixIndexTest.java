package io.kvasir.plugins.prefix.radix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kvasir.api.plugin.PrefixIndex;
import io.kvasir.plugins.prefix.PrefixIndexContractTest;
import io.kvasir.plugins.prefix.radix.internal.RadixPrefixIndex;

/** The contract and the tree's own behaviour, for each eviction order (subclasses pick it). */
abstract class RadixPrefixIndexTest extends PrefixIndexContractTest {

    /** The {@code eviction} config value under test. */
    protected abstract String eviction();

    @Override
    protected PrefixIndex newIndex() {
        RadixPrefixIndexProvider provider = new RadixPrefixIndexProvider();
        return provider.create(provider.configSchema().validate(Map.of(RadixPrefixIndexProvider.EVICTION, eviction())));
    }

    @Override
    protected boolean evictsChildrenFirst() {
        return true;
    }

    @Override
    protected boolean evictsInReleaseOrder() {
        return false;
    }

    @Override
    protected void checkInvariants(PrefixIndex index) {
        ((RadixPrefixIndex) index).checkInvariants();
    }

    @Override
    protected void assertStructureEmpty(PrefixIndex index) {
        RadixPrefixIndex radix = (RadixPrefixIndex) index;
        assertThat(radix.numNodes()).isZero();
        assertThat(radix.numRoots()).isZero();
    }

    private static RadixPrefixIndex radix(PrefixIndex index) {
        return (RadixPrefixIndex) index;
    }

    @Test
    void splitsAnEdgeWhereASequenceDiverges() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4, 5, 6), 10, 11, 12);
        assertThat(radix(index).numNodes()).isEqualTo(1);
        insert(index, tokens(1, 2, 3, 4, 7, 8), 10, 11, 13);
        assertThat(radix(index).numNodes()).as("shared (10, 11) above leaves 12 and 13").isEqualTo(3);
        insert(index, tokens(1, 2), 10);
        assertThat(radix(index).numNodes()).as("a prefix ending at a node boundary adds nothing").isEqualTo(3);
        checkInvariants(index);
    }

    @Test
    void evictsAParentOnlyAfterItsChildren() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4, 5, 6), 10, 11, 12);
        insert(index, tokens(1, 2, 3, 4, 7, 8), 10, 11, 13);
        releaseAll(index, 10, 11, 12, 13);
        int[] first = evict(index, 2);
        assertThat(first).containsExactlyInAnyOrder(12, 13);
        assertThat(evict(index, 2)).containsExactly(11, 10);
        assertStructureEmpty(index);
    }

    @Test
    void aReleasedParentOfAReferencedChildIsNotEvictable() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2), 10);
        // Another request computed the first block itself (20, a duplicate) and went on to block 21.
        insert(index, tokens(1, 2, 3, 4), 20, 21);
        releaseAll(index, 10);
        assertThat(index.numEvictableBlocks()).isZero();
        assertThat(evict(index, 5)).isEmpty();
        releaseAll(index, 21);
        assertThat(index.numEvictableBlocks()).isEqualTo(2);
        assertThat(evict(index, 5)).containsExactly(21, 10);
    }

    @Test
    void evictsALeafFromItsDeepestBlock() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4, 5, 6), 10, 11, 12);
        releaseAll(index, 12, 11, 10);
        assertThat(evict(index, 1)).containsExactly(12);
        assertThat(match(index, tokens(1, 2, 3, 4, 5, 6))).containsExactly(10, 11);
        checkInvariants(index);
    }

    @Test
    void blocksAfterTheLastReferencedOneInAnEdgeStayEvictable() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4, 5, 6), 10, 11, 12);
        releaseAll(index, 12, 11, 10);
        // A new request reuses the first two blocks only.
        assertThat(match(index, tokens(1, 2, 3, 4, 9))).containsExactly(10, 11);
        index.onReferenced(10);
        index.onReferenced(11);
        assertThat(index.numEvictableBlocks()).isEqualTo(1);
        assertThat(evict(index, 3)).containsExactly(12);
        checkInvariants(index);
    }

    @Test
    void releasingTheTailOfAnEdgeMakesItEvictableAlone() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4, 5, 6), 10, 11, 12);
        releaseAll(index, 12);
        assertThat(index.numEvictableBlocks()).isEqualTo(1);
        assertThat(evict(index, 3)).containsExactly(12);
        checkInvariants(index);
    }

    @Test
    void aTreePerSaltIsDroppedWhenEmpty() {
        PrefixIndex index = newIndex();
        index.insert(tokens(1, 2), 1, BLOCK, 1, new int[] {10});
        index.insert(tokens(1, 2), 1, BLOCK, 2, new int[] {20});
        assertThat(radix(index).numRoots()).isEqualTo(2);
        releaseAll(index, 10);
        evict(index, 1);
        assertThat(radix(index).numRoots()).isEqualTo(1);
        checkInvariants(index);
    }

    @Test
    void evictsUnreferencedLeavesOfOneTenantWhileAnotherHoldsTheSamePrompt() {
        PrefixIndex index = newIndex();
        index.insert(tokens(1, 2), 1, BLOCK, 1, new int[] {10});
        index.insert(tokens(1, 2), 1, BLOCK, 2, new int[] {20});
        releaseAll(index, 20);
        assertThat(evict(index, 2)).containsExactly(20);
        assertThat(match(index, tokens(1, 2), 1)).containsExactly(10);
    }
}
