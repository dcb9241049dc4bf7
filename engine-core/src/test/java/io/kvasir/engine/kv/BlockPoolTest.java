package io.kvasir.engine.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BlockPoolTest {

    @Test
    void startsAllFreeInIdOrder() {
        BlockPool pool = new BlockPool(4);

        assertThat(pool.blockSize()).isEqualTo(BlockPool.DEFAULT_BLOCK_SIZE);
        assertThat(pool.numFreeBlocks()).isEqualTo(4);
        assertThat(pool.numUsedBlocks()).isZero();
        assertThat(pool.usage()).isZero();
        assertThat(pool.freeQueueOrder()).containsExactly(0, 1, 2, 3);
        pool.checkInvariants();
    }

    @Test
    void allocatesFromTheFrontWithOneReferenceEach() {
        BlockPool pool = new BlockPool(4);
        int[] ids = new int[5];

        assertThat(pool.allocate(3, ids, 1)).isTrue();

        assertThat(ids).containsExactly(0, 0, 1, 2, 0);
        assertThat(pool.refCount(0)).isEqualTo(1);
        assertThat(pool.numFreeBlocks()).isEqualTo(1);
        assertThat(pool.numUsedBlocks()).isEqualTo(3);
        assertThat(pool.usage()).isEqualTo(0.75);
        pool.checkInvariants();
    }

    @Test
    void allocationFailsWithoutTakingAnyBlockWhenThePoolIsShort() {
        BlockPool pool = new BlockPool(4);
        int[] ids = {-7, -7, -7, -7, -7};
        pool.allocate(2, ids, 0);
        ids[0] = -7;
        ids[1] = -7;

        assertThat(pool.allocate(3, ids, 0)).isFalse();

        assertThat(ids).containsOnly(-7);
        assertThat(pool.numFreeBlocks()).isEqualTo(2);
        assertThat(pool.freeQueueOrder()).containsExactly(2, 3);
        pool.checkInvariants();
    }

    @Test
    void allocatingZeroBlocksSucceedsAndChangesNothing() {
        BlockPool pool = new BlockPool(1);

        assertThat(pool.allocate(0, new int[0], 0)).isTrue();
        assertThat(pool.numFreeBlocks()).isEqualTo(1);
    }

    @Test
    void freedBlocksReturnToTheBackSoTheLeastRecentlyFreedIsReusedFirst() {
        BlockPool pool = new BlockPool(4);
        int[] ids = new int[4];
        pool.allocate(4, ids, 0);

        pool.free(2);
        pool.free(0);
        pool.free(3);

        assertThat(pool.freeQueueOrder()).containsExactly(2, 0, 3);
        int[] reused = new int[1];
        pool.allocate(1, reused, 0);
        assertThat(reused[0]).isEqualTo(2);
        pool.checkInvariants();
    }

    @Test
    void sharedBlockStaysInUseUntilItsLastReferenceIsFreed() {
        BlockPool pool = new BlockPool(2);
        pool.allocate(1, new int[1], 0);
        pool.incRef(0);

        pool.free(0);

        assertThat(pool.refCount(0)).isEqualTo(1);
        assertThat(pool.isFree(0)).isFalse();
        pool.free(0);
        assertThat(pool.isFree(0)).isTrue();
        pool.checkInvariants();
    }

    @Test
    void doubleFreeThrowsAndLeavesThePoolIntact() {
        BlockPool pool = new BlockPool(2);
        pool.allocate(1, new int[1], 0);
        pool.free(0);

        assertThatIllegalStateException().isThrownBy(() -> pool.free(0)).withMessageContaining("double free of block 0");
        assertThat(pool.refCount(0)).isZero();
        assertThat(pool.numFreeBlocks()).isEqualTo(2);
        pool.checkInvariants();
    }

    @Test
    void incRefOnAFreeBlockThrows() {
        BlockPool pool = new BlockPool(2);

        assertThatIllegalStateException().isThrownBy(() -> pool.incRef(1)).withMessageContaining("free block 1");
    }

    @Test
    void freedCachedBlockStaysFindableUntilItIsReused() {
        BlockPool pool = new BlockPool(2);
        pool.allocate(1, new int[1], 0);
        assertThat(pool.cacheFullBlock(0, 1234L)).isTrue();

        pool.free(0);

        assertThat(pool.lookup(1234L)).isZero();
        assertThat(pool.isCached(0)).isTrue();
        assertThat(pool.blockHash(0)).isEqualTo(1234L);
        assertThat(pool.numCachedBlocks()).isEqualTo(1);
        pool.checkInvariants();
    }

    @Test
    void reusingACachedFreeBlockEvictsItsHash() {
        BlockPool pool = new BlockPool(2);
        int[] ids = new int[2];
        pool.allocate(2, ids, 0);
        pool.cacheFullBlock(1, 99L);
        pool.free(1);
        pool.free(0);

        pool.allocate(1, ids, 0);

        assertThat(ids[0]).isEqualTo(1);
        assertThat(pool.lookup(99L)).isEqualTo(BlockPool.NO_BLOCK);
        assertThat(pool.isCached(1)).isFalse();
        assertThat(pool.numCachedBlocks()).isZero();
        pool.checkInvariants();
    }

    @Test
    void touchTakesACachedFreeBlockOutOfTheFreeQueue() {
        BlockPool pool = new BlockPool(3);
        pool.allocate(3, new int[3], 0);
        pool.cacheFullBlock(1, 5L);
        pool.free(0);
        pool.free(1);
        pool.free(2);

        pool.touch(pool.lookup(5L));

        assertThat(pool.refCount(1)).isEqualTo(1);
        assertThat(pool.isFree(1)).isFalse();
        assertThat(pool.freeQueueOrder()).containsExactly(0, 2);
        assertThat(pool.numFreeBlocks()).isEqualTo(2);
        assertThat(pool.isCached(1)).isTrue();
        pool.checkInvariants();
    }

    @Test
    void touchSharesACachedBlockInUse() {
        BlockPool pool = new BlockPool(1);
        pool.allocate(1, new int[1], 0);
        pool.cacheFullBlock(0, 5L);

        pool.touch(0);

        assertThat(pool.refCount(0)).isEqualTo(2);
        pool.checkInvariants();
    }

    @Test
    void touchOnAnUncachedBlockThrows() {
        BlockPool pool = new BlockPool(1);

        assertThatIllegalStateException().isThrownBy(() -> pool.touch(0)).withMessageContaining("uncached block 0");
        assertThat(pool.isFree(0)).isTrue();
    }

    @Test
    void aHashBelongsToTheFirstBlockCachedUnderIt() {
        BlockPool pool = new BlockPool(2);
        pool.allocate(2, new int[2], 0);
        pool.cacheFullBlock(0, 7L);

        assertThat(pool.cacheFullBlock(1, 7L)).isFalse();

        assertThat(pool.lookup(7L)).isZero();
        assertThat(pool.isCached(1)).isFalse();
        assertThat(pool.cacheFullBlock(0, 7L)).isTrue();
        pool.checkInvariants();
    }

    @Test
    void cachingABlockUnderASecondHashOrWhileFreeThrows() {
        BlockPool pool = new BlockPool(2);
        pool.allocate(1, new int[1], 0);
        pool.cacheFullBlock(0, 7L);

        assertThatIllegalStateException().isThrownBy(() -> pool.cacheFullBlock(0, 8L)).withMessageContaining("another hash");
        assertThatIllegalStateException().isThrownBy(() -> pool.cacheFullBlock(1, 8L)).withMessageContaining("free block 1");
        assertThat(pool.lookup(8L)).isEqualTo(BlockPool.NO_BLOCK);
    }

    @Test
    void lookupMissReturnsNoBlock() {
        assertThat(new BlockPool(1).lookup(0L)).isEqualTo(BlockPool.NO_BLOCK);
    }

    @Test
    void rejectsBadArgumentsNamingThem() {
        assertThatIllegalArgumentException().isThrownBy(() -> new BlockPool(0)).withMessageContaining("numBlocks");
        assertThatIllegalArgumentException().isThrownBy(() -> new BlockPool(4, 0)).withMessageContaining("blockSize");
        assertThatIllegalArgumentException().isThrownBy(() -> new BlockPool(1 << 20, 1 << 12))
                .withMessageContaining("fit an int");
        BlockPool pool = new BlockPool(2);
        assertThatIllegalArgumentException().isThrownBy(() -> pool.allocate(-1, new int[0], 0)).withMessageContaining("count");
        assertThatThrownBy(() -> pool.free(2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> pool.allocate(2, new int[1], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(pool.numFreeBlocks()).isEqualTo(2);
    }
}
