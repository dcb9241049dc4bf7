package io.kvasir.engine.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.kvasir.engine.testing.SeededRuns;
import io.kvasir.engine.testing.SeededRuns.Run;
import org.junit.jupiter.api.Test;

/**
 * Random operation sequences against a {@link KvCacheManager}, with a simulated backend that stores token
 * values in blocks: each step performs the pending copies and then writes the tokens the step allocated.
 * After every operation the pool's invariants, every reference count, every block table's size, the
 * tenants' accounting and every sequence's contents read back through its block table are checked.
 */
class KvCacheManagerPropertyTest {

    private static final String[] TENANTS = {"acme", "globex", "initech"};
    private static final int NUM_HASHES = 3;
    private static final int NUM_RUNS = 500;

    enum Kind {
        CREATE(3), APPEND(8), FORK(3), FREE(4), STEP(4), CACHE(2), LOOKUP_AND_TOUCH(2), RELEASE(2), ADVANCE_CLOCK(2);

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
    void managerKeepsEveryInvariantAndEverySequenceReadsBackWhatItWrote() {
        SeededRuns.check(NUM_RUNS, KvCacheManagerPropertyTest::runRandomOperations)
                .requireShare("copy-on-write", 0.20)
                .requireShare("allocation refused", 0.20)
                .requireShare("cache hit on a free block", 0.03);
    }

    private static void runRandomOperations(Run run) {
        int numBlocks = run.intBetween(1, 32);
        int blockSize = run.intBetween(1, 5);
        List<Op> operations = operations(run);
        run.setup("numBlocks=" + numBlocks + ", blockSize=" + blockSize);

        Harness h = new Harness(numBlocks, blockSize);
        for (int i = 0; i < operations.size(); i++) {
            run.step(i, operations.size(), operations.get(i));
            h.apply(operations.get(i));
            h.check();
        }
        run.afterSteps();
        h.step();
        h.check();
        for (SeqModel seq : new ArrayList<>(h.live)) {
            h.free(seq);
            h.check();
        }
        while (!h.external.isEmpty()) {
            h.pool.free(h.external.removeLast());
            h.check();
        }
        assertThat(h.pool.numFreeBlocks()).isEqualTo(numBlocks);
        assertThat(h.manager.numSequences()).isZero();
        assertThat(h.manager.usage().tenants()).allSatisfy(t -> assertThat(t.numBlocksHeld()).isZero());

        run.classify("copy-on-write", h.numCopies > 0);
        run.classify("allocation refused", h.numRefusals > 0);
        run.classify("cache hit on a free block", h.numFreeHits > 0);
    }

    private static List<Op> operations(Run run) {
        SplittableRandom random = run.random();
        int numOps = random.nextInt(20, 151);
        List<Op> operations = new ArrayList<>(numOps);
        for (int i = 0; i < numOps; i++) {
            Kind kind = WEIGHTED_KINDS[random.nextInt(WEIGHTED_KINDS.length)];
            operations.add(new Op(kind, random.nextInt(10_001), random.nextInt(10_001)));
        }
        return operations;
    }

    /** A live sequence and the token values it should read back, position by position. */
    private static final class SeqModel {
        final KvSequence handle;
        final List<Integer> tokens;
        int numWritten;

        SeqModel(KvSequence handle, List<Integer> tokens, int numWritten) {
            this.handle = handle;
            this.tokens = tokens;
            this.numWritten = numWritten;
        }
    }

    private static final class Harness {
        final int numBlocks;
        final int blockSize;
        final KvCacheManagerTest.FakeClock clock = new KvCacheManagerTest.FakeClock();
        final BlockPool pool;
        final KvCacheManager manager;
        final int[][] storage;
        final List<SeqModel> live = new ArrayList<>();
        final List<Integer> external = new ArrayList<>();
        final Map<Long, int[]> cachedContents = new HashMap<>();
        final Map<String, Long> blockNanos = new HashMap<>();
        int nextToken = 1;
        int numCopies;
        int numRefusals;
        int numFreeHits;

        Harness(int numBlocks, int blockSize) {
            this.numBlocks = numBlocks;
            this.blockSize = blockSize;
            pool = new BlockPool(numBlocks, blockSize);
            manager = new KvCacheManager(pool, clock);
            storage = new int[numBlocks][blockSize];
            for (int[] block : storage) {
                Arrays.fill(block, -1);
            }
        }

        void apply(Op op) {
            switch (op.kind()) {
                case CREATE -> live.add(new SeqModel(manager.createSequence(TENANTS[op.a() % TENANTS.length]),
                        new ArrayList<>(), 0));
                case APPEND -> {
                    if (!live.isEmpty()) {
                        append(live.get(op.a() % live.size()), op.b() % (blockSize + 3));
                    }
                }
                case FORK -> {
                    if (!live.isEmpty()) {
                        // Forks follow sampling, at the end of a step, when every slot of the parent is written.
                        step();
                        SeqModel parent = live.get(op.a() % live.size());
                        KvSequence child = manager.fork(parent.handle);
                        live.add(new SeqModel(child, new ArrayList<>(parent.tokens), parent.numWritten));
                    }
                }
                case FREE -> {
                    if (!live.isEmpty()) {
                        free(live.get(op.a() % live.size()));
                    }
                }
                case STEP -> step();
                case CACHE -> {
                    if (!live.isEmpty()) {
                        // Blocks are published once a step has written them.
                        step();
                        cache(live.get(op.a() % live.size()), op.b());
                    }
                }
                case LOOKUP_AND_TOUCH -> {
                    long hash = op.b() % NUM_HASHES;
                    int block = pool.lookup(hash);
                    if (block != BlockPool.NO_BLOCK) {
                        assertThat(storage[block]).as("contents of cached block %d", block).isEqualTo(cachedContents.get(hash));
                        numFreeHits += pool.isFree(block) ? 1 : 0;
                        pool.touch(block);
                        external.add(block);
                    }
                }
                case RELEASE -> {
                    if (!external.isEmpty()) {
                        pool.free(external.remove(op.a() % external.size()));
                    }
                }
                case ADVANCE_CLOCK -> {
                    long elapsed = op.b() * 1_000_003L;
                    for (String tenant : TENANTS) {
                        blockNanos.merge(tenant, heldBy(tenant) * elapsed, Long::sum);
                    }
                    clock.advance(elapsed);
                }
            }
        }

        void append(SeqModel seq, int numNewTokens) {
            BlockTable table = manager.blockTable(seq.handle);
            int[] idsBefore = blockIds(table);
            int numTokensBefore = table.numTokens();
            int numFreeBefore = pool.numFreeBlocks();
            int numCopiesBefore = manager.pendingCopies().size();
            boolean expected = manager.numBlocksNeeded(seq.handle, numNewTokens) <= numFreeBefore;

            assertThat(manager.allocateSlots(seq.handle, numNewTokens)).isEqualTo(expected);

            if (!expected) {
                numRefusals++;
                assertThat(blockIds(table)).isEqualTo(idsBefore);
                assertThat(table.numTokens()).isEqualTo(numTokensBefore);
                assertThat(pool.numFreeBlocks()).isEqualTo(numFreeBefore);
                assertThat(manager.pendingCopies().size()).isEqualTo(numCopiesBefore);
                return;
            }
            numCopies += manager.pendingCopies().size() - numCopiesBefore;
            for (int i = 0; i < numNewTokens; i++) {
                seq.tokens.add(nextToken++);
            }
            if (numNewTokens > 0 && table.numTokens() % blockSize != 0) {
                assertThat(pool.refCount(table.blockId(table.numBlocks() - 1)))
                        .as("a sequence writes only into a partly filled block it alone holds").isEqualTo(1);
            }
        }

        void free(SeqModel seq) {
            manager.free(seq.handle);
            live.remove(seq);
            assertThatIllegalStateException().isThrownBy(() -> manager.numTokens(seq.handle));
        }

        /** The backend's part of a step: copies first, in order, then the tokens the step allocated. */
        void step() {
            applyCopies(storage);
            manager.pendingCopies().clear();
            for (SeqModel seq : live) {
                BlockTable table = manager.blockTable(seq.handle);
                for (int p = seq.numWritten; p < seq.tokens.size(); p++) {
                    storage[table.blockIdForToken(p)][table.offsetInBlock(p)] = seq.tokens.get(p);
                }
                seq.numWritten = seq.tokens.size();
            }
        }

        void cache(SeqModel seq, int choice) {
            int numWrittenFullBlocks = seq.numWritten / blockSize;
            if (numWrittenFullBlocks == 0) {
                return;
            }
            int blockIndex = choice % numWrittenFullBlocks;
            long hash = (choice / 7) % NUM_HASHES;
            int block = manager.blockTable(seq.handle).blockId(blockIndex);
            if (pool.isCached(block) && pool.blockHash(block) != hash) {
                assertThatIllegalStateException().isThrownBy(() -> manager.cacheFullBlock(seq.handle, blockIndex, hash));
                return;
            }
            int holder = pool.lookup(hash);
            boolean expected = holder == BlockPool.NO_BLOCK || holder == block;
            assertThat(manager.cacheFullBlock(seq.handle, blockIndex, hash)).isEqualTo(expected);
            if (holder == BlockPool.NO_BLOCK) {
                cachedContents.put(hash, storage[block].clone());
            }
        }

        void check() {
            pool.checkInvariants();
            assertThat(pool.numFreeBlocks() + pool.numUsedBlocks()).isEqualTo(numBlocks);

            int[] references = new int[numBlocks];
            for (int block : external) {
                references[block]++;
            }
            // Mid-step, copy-on-write targets hold their contents only once the pending copies are done.
            int[][] afterCopies = withPendingCopies();
            for (SeqModel seq : live) {
                BlockTable table = manager.blockTable(seq.handle);
                assertThat(table.numTokens()).isEqualTo(seq.tokens.size());
                assertThat(table.numBlocks()).as("blocks of %s", seq.handle)
                        .isEqualTo((table.numTokens() + blockSize - 1) / blockSize);
                for (int i = 0; i < table.numBlocks(); i++) {
                    references[table.blockId(i)]++;
                }
                for (int p = 0; p < seq.numWritten; p++) {
                    assertThat(afterCopies[table.blockIdForToken(p)][table.offsetInBlock(p)])
                            .as("token %d of %s", p, seq.handle).isEqualTo(seq.tokens.get(p));
                }
            }
            for (int b = 0; b < numBlocks; b++) {
                assertThat(pool.refCount(b)).as("refCount of block %d", b).isEqualTo(references[b]).isNotNegative();
                assertThat(pool.isFree(b)).isEqualTo(references[b] == 0);
            }
            for (int block : external) {
                assertThat(storage[block]).isEqualTo(cachedContents.get(pool.blockHash(block)));
            }

            KvCacheUsage usage = manager.usage();
            assertThat(usage.numFreeBlocks()).isEqualTo(pool.numFreeBlocks());
            assertThat(manager.numSequences()).isEqualTo(live.size());
            for (KvCacheUsage.TenantUsage tenant : usage.tenants()) {
                assertThat(tenant.numBlocksHeld()).isEqualTo(heldBy(tenant.tenantId()));
                assertThat(tenant.numSequences()).isEqualTo((int) live.stream()
                        .filter(s -> s.handle.tenantId().equals(tenant.tenantId())).count());
                assertThat(tenant.blockSeconds())
                        .isCloseTo(blockNanos.getOrDefault(tenant.tenantId(), 0L) / 1e9, within(1e-6));
            }
        }

        void applyCopies(int[][] blocks) {
            BlockCopies copies = manager.pendingCopies();
            for (int i = 0; i < copies.size(); i++) {
                blocks[copies.dst(i)] = blocks[copies.src(i)].clone();
            }
        }

        int[][] withPendingCopies() {
            int[][] blocks = storage.clone();
            applyCopies(blocks);
            return blocks;
        }

        long heldBy(String tenant) {
            long held = 0;
            for (SeqModel seq : live) {
                if (seq.handle.tenantId().equals(tenant)) {
                    held += manager.blockTable(seq.handle).numBlocks();
                }
            }
            return held;
        }

        private static int[] blockIds(BlockTable table) {
            int[] ids = new int[table.numBlocks()];
            table.copyBlockIds(ids, 0);
            return ids;
        }
    }
}
