package io.kvasir.engine.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.within;

import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

class KvCacheManagerTest {

    private static final long SECOND = 1_000_000_000L;

    private final FakeClock clock = new FakeClock();

    @Test
    void allocatesCeilOfTokensOverBlockSizeBlocks() {
        KvCacheManager manager = manager(10, 4);
        KvSequence seq = manager.createSequence("a");

        assertThat(manager.allocateSlots(seq, 9)).isTrue();

        assertThat(manager.numTokens(seq)).isEqualTo(9);
        assertThat(manager.blockTable(seq).numBlocks()).isEqualTo(3);
        assertThat(manager.numFreeBlocks()).isEqualTo(7);
        manager.pool().checkInvariants();
    }

    @Test
    void tokensThatFitThePartlyFilledLastBlockTakeNoNewBlock() {
        KvCacheManager manager = manager(10, 4);
        KvSequence seq = manager.createSequence("a");
        manager.allocateSlots(seq, 5);

        assertThat(manager.allocateSlots(seq, 3)).isTrue();

        assertThat(manager.blockTable(seq).numBlocks()).isEqualTo(2);
        assertThat(manager.numTokens(seq)).isEqualTo(8);
        assertThat(manager.allocateSlots(seq, 1)).isTrue();
        assertThat(manager.blockTable(seq).numBlocks()).isEqualTo(3);
    }

    @Test
    void allocationFailsCleanlyWhenThePoolIsShort() {
        KvCacheManager manager = manager(3, 4);
        KvSequence seq = manager.createSequence("a");
        manager.allocateSlots(seq, 6);

        assertThat(manager.allocateSlots(seq, 7)).isFalse();

        assertThat(manager.numTokens(seq)).isEqualTo(6);
        assertThat(manager.blockTable(seq).numBlocks()).isEqualTo(2);
        assertThat(manager.numFreeBlocks()).isEqualTo(1);
        assertThat(manager.usage().tenant("a").orElseThrow().numBlocksHeld()).isEqualTo(2);
        assertThat(manager.allocateSlots(seq, 6)).isTrue();
        manager.pool().checkInvariants();
    }

    @Test
    void allocatingZeroTokensAlwaysSucceeds() {
        KvCacheManager manager = manager(1, 4);
        KvSequence seq = manager.createSequence("a");
        manager.allocateSlots(seq, 4);

        assertThat(manager.allocateSlots(seq, 0)).isTrue();
        assertThat(manager.numBlocksNeeded(seq, 0)).isZero();
    }

    @Test
    void freeReturnsBlocksTailFirstSoTheTailIsReusedBeforeThePrefix() {
        KvCacheManager manager = manager(8, 2);
        KvSequence seq = manager.createSequence("a");
        manager.allocateSlots(seq, 6);
        int[] ids = new int[3];
        manager.blockTable(seq).copyBlockIds(ids, 0);

        manager.free(seq);

        int[] order = manager.pool().freeQueueOrder();
        assertThat(order).hasSize(8);
        assertThat(order).endsWith(ids[2], ids[1], ids[0]);
        assertThat(manager.numSequences()).isZero();
        manager.pool().checkInvariants();
    }

    @Test
    void freedSequenceCannotBeUsedAgain() {
        KvCacheManager manager = manager(4, 4);
        KvSequence seq = manager.createSequence("a");
        manager.allocateSlots(seq, 5);
        manager.free(seq);

        assertThat(seq.isFreed()).isTrue();
        assertThatIllegalStateException().isThrownBy(() -> manager.free(seq)).withMessageContaining("has been freed");
        assertThatIllegalStateException().isThrownBy(() -> manager.allocateSlots(seq, 1));
        assertThat(manager.numFreeBlocks()).isEqualTo(4);
    }

    @Test
    void sequenceFromAnotherManagerIsRejected() {
        KvSequence foreign = manager(4, 4).createSequence("a");

        assertThatIllegalArgumentException().isThrownBy(() -> manager(4, 4).allocateSlots(foreign, 1))
                .withMessageContaining("another KvCacheManager");
    }

    @Test
    void forkSharesEveryBlockOfTheParent() {
        KvCacheManager manager = manager(8, 4);
        KvSequence parent = manager.createSequence("a");
        manager.allocateSlots(parent, 6);

        KvSequence child = manager.fork(parent);

        BlockTable parentTable = manager.blockTable(parent);
        BlockTable childTable = manager.blockTable(child);
        assertThat(child.id()).isNotEqualTo(parent.id());
        assertThat(child.tenantId()).isEqualTo("a");
        assertThat(manager.numTokens(child)).isEqualTo(6);
        assertThat(childTable.blockId(0)).isEqualTo(parentTable.blockId(0));
        assertThat(childTable.blockId(1)).isEqualTo(parentTable.blockId(1));
        assertThat(manager.pool().refCount(parentTable.blockId(0))).isEqualTo(2);
        assertThat(manager.pool().refCount(parentTable.blockId(1))).isEqualTo(2);
        assertThat(manager.numFreeBlocks()).isEqualTo(6);
        manager.pool().checkInvariants();
    }

    @Test
    void writingIntoASharedPartlyFilledBlockCopiesItFirst() {
        KvCacheManager manager = manager(8, 4);
        KvSequence parent = manager.createSequence("a");
        manager.allocateSlots(parent, 6);
        KvSequence child = manager.fork(parent);
        int fullBlock = manager.blockTable(parent).blockId(0);
        int sharedLast = manager.blockTable(parent).blockId(1);

        assertThat(manager.numBlocksNeeded(child, 1)).isEqualTo(1);
        assertThat(manager.allocateSlots(child, 1)).isTrue();

        int copy = manager.blockTable(child).blockId(1);
        assertThat(copy).isNotEqualTo(sharedLast);
        assertThat(manager.blockTable(child).blockId(0)).isEqualTo(fullBlock);
        assertThat(manager.pendingCopies().size()).isEqualTo(1);
        assertThat(manager.pendingCopies().src(0)).isEqualTo(sharedLast);
        assertThat(manager.pendingCopies().dst(0)).isEqualTo(copy);
        assertThat(manager.pool().refCount(sharedLast)).isEqualTo(1);
        assertThat(manager.pool().refCount(copy)).isEqualTo(1);
        assertThat(manager.pool().refCount(fullBlock)).isEqualTo(2);
        manager.pool().checkInvariants();
    }

    @Test
    void theLastHolderOfAFormerlySharedBlockWritesInPlace() {
        KvCacheManager manager = manager(8, 4);
        KvSequence parent = manager.createSequence("a");
        manager.allocateSlots(parent, 6);
        KvSequence child = manager.fork(parent);
        manager.allocateSlots(child, 1);
        manager.pendingCopies().clear();
        int last = manager.blockTable(parent).blockId(1);

        assertThat(manager.allocateSlots(parent, 2)).isTrue();

        assertThat(manager.blockTable(parent).blockId(1)).isEqualTo(last);
        assertThat(manager.pendingCopies().isEmpty()).isTrue();
    }

    @Test
    void aSharedFullLastBlockIsNotCopied() {
        KvCacheManager manager = manager(8, 4);
        KvSequence parent = manager.createSequence("a");
        manager.allocateSlots(parent, 8);
        KvSequence child = manager.fork(parent);

        assertThat(manager.allocateSlots(child, 1)).isTrue();

        assertThat(manager.pendingCopies().isEmpty()).isTrue();
        assertThat(manager.blockTable(child).numBlocks()).isEqualTo(3);
        assertThat(manager.blockTable(child).blockId(1)).isEqualTo(manager.blockTable(parent).blockId(1));
    }

    @Test
    void copyOnWriteCountsTowardsAllOrNothing() {
        KvCacheManager manager = manager(2, 4);
        KvSequence parent = manager.createSequence("a");
        manager.allocateSlots(parent, 6);
        KvSequence child = manager.fork(parent);

        assertThat(manager.allocateSlots(child, 1)).isFalse();

        assertThat(manager.pendingCopies().isEmpty()).isTrue();
        assertThat(manager.blockTable(child).blockId(1)).isEqualTo(manager.blockTable(parent).blockId(1));
        assertThat(manager.numTokens(child)).isEqualTo(6);
        manager.pool().checkInvariants();
    }

    @Test
    void freeingEveryForkReturnsThePoolToAllFree() {
        KvCacheManager manager = manager(8, 4);
        KvSequence parent = manager.createSequence("a");
        manager.allocateSlots(parent, 6);
        KvSequence child = manager.fork(parent);
        KvSequence grandchild = manager.fork(child);
        manager.allocateSlots(child, 3);
        manager.allocateSlots(grandchild, 9);

        manager.free(child);
        manager.free(parent);
        manager.free(grandchild);

        assertThat(manager.numFreeBlocks()).isEqualTo(8);
        assertThat(manager.usage().tenant("a").orElseThrow().numBlocksHeld()).isZero();
        manager.pool().checkInvariants();
    }

    @Test
    void cachesOnlyFullBlocksAndKeepsThemFindableAfterFree() {
        KvCacheManager manager = manager(4, 4);
        KvSequence seq = manager.createSequence("a");
        manager.allocateSlots(seq, 6);
        int full = manager.blockTable(seq).blockId(0);

        assertThatIllegalArgumentException().isThrownBy(() -> manager.cacheFullBlock(seq, 1, 2L))
                .withMessageContaining("not a full block");
        assertThat(manager.cacheFullBlock(seq, 0, 1L)).isTrue();
        manager.free(seq);

        assertThat(manager.pool().lookup(1L)).isEqualTo(full);
        assertThat(manager.usage().numCachedBlocks()).isEqualTo(1);
    }

    @Test
    void chargesBlockSecondsPerTenantWithTheInjectedClock() {
        KvCacheManager manager = manager(16, 4);
        KvSequence a = manager.createSequence("a");
        KvSequence b = manager.createSequence("b");
        manager.allocateSlots(a, 8);
        clock.advance(2 * SECOND);
        manager.allocateSlots(b, 4);
        manager.allocateSlots(a, 4);
        clock.advance(SECOND / 2);
        manager.free(a);
        clock.advance(3 * SECOND);

        KvCacheUsage usage = manager.usage();

        KvCacheUsage.TenantUsage tenantA = usage.tenant("a").orElseThrow();
        KvCacheUsage.TenantUsage tenantB = usage.tenant("b").orElseThrow();
        assertThat(tenantA.blockSeconds()).isEqualTo(2 * 2 + 3 * 0.5);
        assertThat(tenantA.numBlocksHeld()).isZero();
        assertThat(tenantA.numSequences()).isZero();
        assertThat(tenantB.blockSeconds()).isEqualTo(1 * 3.5);
        assertThat(tenantB.numBlocksHeld()).isEqualTo(1);
        assertThat(tenantB.numSequences()).isEqualTo(1);
        assertThat(usage.tenants()).extracting(KvCacheUsage.TenantUsage::tenantId).containsExactly("a", "b");
        assertThat(usage.numUsedBlocks()).isEqualTo(1);
        assertThat(usage.takenAtNanos()).isEqualTo(clock.now);
    }

    @Test
    void forkedSequencesAreEachChargedForTheBlocksTheyShare() {
        KvCacheManager manager = manager(16, 4);
        KvSequence parent = manager.createSequence("a");
        manager.allocateSlots(parent, 8);
        manager.fork(parent);
        clock.advance(SECOND);

        KvCacheUsage.TenantUsage tenant = manager.usage().tenant("a").orElseThrow();

        assertThat(tenant.numBlocksHeld()).isEqualTo(4);
        assertThat(tenant.numSequences()).isEqualTo(2);
        assertThat(tenant.blockSeconds()).isEqualTo(4.0);
        assertThat(manager.usage().numUsedBlocks()).isEqualTo(2);
    }

    @Test
    void blockSecondsDoNotOverflowOverLongRunsOfManyBlocks() {
        KvCacheManager manager = manager(1 << 16, 1);
        KvSequence seq = manager.createSequence("a");
        manager.allocateSlots(seq, 1 << 16);
        clock.advance(100 * 3600 * SECOND + 1);

        // 2^16 blocks × 100 h is about 2.4e19 block-nanoseconds, past Long.MAX_VALUE.
        assertThat(manager.usage().tenant("a").orElseThrow().blockSeconds())
                .isCloseTo((1 << 16) * 360_000.0, within(1e-3));
    }

    @Test
    void rejectsBadArgumentsNamingThem() {
        KvCacheManager manager = manager(4, 4);
        KvSequence seq = manager.createSequence("a");
        manager.allocateSlots(seq, 1);

        assertThatIllegalArgumentException().isThrownBy(() -> manager.createSequence(" ")).withMessageContaining("tenantId");
        assertThatIllegalArgumentException().isThrownBy(() -> manager.allocateSlots(seq, -1)).withMessageContaining("numNewTokens");
        assertThatIllegalArgumentException().isThrownBy(() -> manager.allocateSlots(seq, Integer.MAX_VALUE))
                .withMessageContaining("numNewTokens");
    }

    private KvCacheManager manager(int numBlocks, int blockSize) {
        return new KvCacheManager(new BlockPool(numBlocks, blockSize), clock);
    }

    static final class FakeClock implements LongSupplier {
        long now = 1_000L;

        void advance(long nanos) {
            now += nanos;
        }

        @Override
        public long getAsLong() {
            return now;
        }
    }
}
