package io.kvasir.engine.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.kvasir.engine.testing.SeededRuns;
import io.kvasir.engine.testing.SeededRuns.Run;
import org.junit.jupiter.api.Test;

/**
 * Random operation sequences against a {@link BlockPool} and a plain model of it (reference holders, an
 * LRU list, a hash map), comparing the two and checking the pool's invariants after every operation.
 */
class BlockPoolPropertyTest {

    private static final int NUM_RUNS = 500;

    enum Kind {
        ALLOCATE(4), INC_REF(2), FREE(5), DOUBLE_FREE(1), CACHE(3), LOOKUP_AND_TOUCH(3);

        final int weight;

        Kind(int weight) {
            this.weight = weight;
        }
    }

    /** Each kind repeated by its weight, so a uniform pick from it follows the weights. */
    private static final Kind[] WEIGHTED_KINDS = SeededRuns.weighted(Kind.values(), kind -> kind.weight);

    record Op(Kind kind, int a, int b) {
    }

    @Test
    void poolMatchesItsModelAfterEveryOperation() {
        SeededRuns.check(NUM_RUNS, BlockPoolPropertyTest::runRandomOperations)
                .requireShare("allocation refused", 0.20)
                .requireShare("cached free block touched", 0.10)
                .requireShare("cached block evicted by reuse", 0.10);
    }

    private static void runRandomOperations(Run run) {
        int numBlocks = run.intBetween(1, 12);
        List<Op> operations = operations(run);
        run.setup("numBlocks=" + numBlocks);

        BlockPool pool = new BlockPool(numBlocks, 4);
        Model model = new Model(numBlocks);
        int[] ids = new int[numBlocks + 3];
        for (int step = 0; step < operations.size(); step++) {
            Op op = operations.get(step);
            run.step(step, operations.size(), op);
            switch (op.kind()) {
                case ALLOCATE -> {
                    int count = op.a() % (numBlocks + 3);
                    boolean expected = count <= model.lru.size();
                    int[] refCountsBefore = refCounts(pool);
                    assertThat(pool.allocate(count, ids, 0)).isEqualTo(expected);
                    if (expected) {
                        for (int i = 0; i < count; i++) {
                            assertThat(ids[i]).isEqualTo(model.allocate());
                        }
                    } else {
                        model.numRefusals++;
                        assertThat(refCounts(pool)).isEqualTo(refCountsBefore);
                    }
                }
                case INC_REF -> {
                    if (!model.holders.isEmpty()) {
                        int block = model.holders.get(op.a() % model.holders.size());
                        pool.incRef(block);
                        model.holders.add(block);
                    }
                }
                case FREE -> {
                    if (!model.holders.isEmpty()) {
                        int block = model.holders.remove(op.a() % model.holders.size());
                        pool.free(block);
                        model.release(block);
                    }
                }
                case DOUBLE_FREE -> {
                    if (!model.lru.isEmpty()) {
                        int block = new ArrayList<>(model.lru).get(op.a() % model.lru.size());
                        assertThatIllegalStateException().isThrownBy(() -> pool.free(block)).withMessageContaining("double free");
                    }
                }
                case CACHE -> {
                    if (!model.holders.isEmpty()) {
                        int block = model.holders.get(op.a() % model.holders.size());
                        long hash = op.b() % 6;
                        Long own = model.hashOf.get(block);
                        if (own != null && own != hash) {
                            assertThatIllegalStateException().isThrownBy(() -> pool.cacheFullBlock(block, hash));
                        } else {
                            Integer holder = model.blockOf.get(hash);
                            boolean expected = holder == null || holder == block;
                            assertThat(pool.cacheFullBlock(block, hash)).isEqualTo(expected);
                            if (expected) {
                                model.blockOf.put(hash, block);
                                model.hashOf.put(block, hash);
                            }
                        }
                    }
                }
                case LOOKUP_AND_TOUCH -> {
                    long hash = op.b() % 6;
                    Integer expected = model.blockOf.get(hash);
                    int found = pool.lookup(hash);
                    assertThat(found).isEqualTo(expected == null ? BlockPool.NO_BLOCK : expected);
                    if (found != BlockPool.NO_BLOCK) {
                        model.numFreeTouches += pool.isFree(found) ? 1 : 0;
                        pool.touch(found);
                        model.lru.remove((Integer) found);
                        model.holders.add(found);
                    }
                }
            }
            model.check(pool);
        }
        run.afterSteps();
        while (!model.holders.isEmpty()) {
            int block = model.holders.removeLast();
            pool.free(block);
            model.release(block);
            model.check(pool);
        }
        assertThat(pool.numFreeBlocks()).isEqualTo(numBlocks);

        run.classify("allocation refused", model.numRefusals > 0);
        run.classify("cached free block touched", model.numFreeTouches > 0);
        run.classify("cached block evicted by reuse", model.numEvictions > 0);
    }

    private static List<Op> operations(Run run) {
        SplittableRandom random = run.random();
        int numOps = random.nextInt(10, 101);
        List<Op> operations = new ArrayList<>(numOps);
        for (int i = 0; i < numOps; i++) {
            Kind kind = WEIGHTED_KINDS[random.nextInt(WEIGHTED_KINDS.length)];
            operations.add(new Op(kind, random.nextInt(1_001), random.nextInt(1_001)));
        }
        return operations;
    }

    private static int[] refCounts(BlockPool pool) {
        int[] refCounts = new int[pool.numBlocks()];
        for (int b = 0; b < refCounts.length; b++) {
            refCounts[b] = pool.refCount(b);
        }
        return refCounts;
    }

    /** What the pool should hold: one list entry per reference, the free blocks in LRU order, the hash map. */
    private static final class Model {
        final int numBlocks;
        final List<Integer> holders = new ArrayList<>();
        final Deque<Integer> lru = new ArrayDeque<>();
        final Map<Long, Integer> blockOf = new HashMap<>();
        final Map<Integer, Long> hashOf = new HashMap<>();
        int numRefusals;
        int numFreeTouches;
        int numEvictions;

        Model(int numBlocks) {
            this.numBlocks = numBlocks;
            for (int b = 0; b < numBlocks; b++) {
                lru.addLast(b);
            }
        }

        int allocate() {
            int block = lru.removeFirst();
            Long hash = hashOf.remove(block);
            if (hash != null) {
                numEvictions++;
                blockOf.remove(hash);
            }
            holders.add(block);
            return block;
        }

        void release(int block) {
            if (!holders.contains(block)) {
                lru.addLast(block);
            }
        }

        void check(BlockPool pool) {
            pool.checkInvariants();
            int numUsed = 0;
            for (int b = 0; b < numBlocks; b++) {
                int refs = 0;
                for (int holder : holders) {
                    refs += holder == b ? 1 : 0;
                }
                assertThat(pool.refCount(b)).as("refCount of block %d", b).isEqualTo(refs).isNotNegative();
                assertThat(pool.isFree(b)).as("block %d free", b).isEqualTo(refs == 0);
                assertThat(pool.isCached(b)).isEqualTo(hashOf.containsKey(b));
                numUsed += refs > 0 ? 1 : 0;
            }
            assertThat(pool.numFreeBlocks() + pool.numUsedBlocks()).isEqualTo(numBlocks);
            assertThat(pool.numUsedBlocks()).isEqualTo(numUsed);
            assertThat(pool.freeQueueOrder()).containsExactly(lru.stream().mapToInt(Integer::intValue).toArray());
            assertThat(pool.numCachedBlocks()).isEqualTo(blockOf.size());
        }
    }
}
