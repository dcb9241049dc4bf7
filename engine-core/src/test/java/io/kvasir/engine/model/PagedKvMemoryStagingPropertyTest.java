package io.kvasir.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.kvasir.api.plugin.KvCodec;
import io.kvasir.engine.kv.BlockCopies;
import io.kvasir.engine.kv.BlockPool;
import io.kvasir.engine.kv.BlockTable;
import io.kvasir.engine.kv.KvCacheManager;
import io.kvasir.engine.kv.KvSequence;
import io.kvasir.engine.plugin.StagedF32CodecProvider;
import io.kvasir.engine.testing.SeededRuns;
import io.kvasir.engine.testing.SeededRuns.Run;

/**
 * Random operation sequences of a {@link KvCacheManager} whose blocks live in a {@link PagedKvMemory} with the
 * {@code test-staged-f32} codec, driven as the engine drives them: steps perform the pending copies, then write
 * every new token layer by layer and release the staging of free blocks; forks share partly filled blocks (copied on
 * write, staging and all); compaction moves kept slots to the front and truncates; swapping copies a sequence's
 * blocks and its open block's staging out, frees it and copies them into new blocks. After every step every
 * sequence reads back what it wrote in every layer (the codec throws when it is read without the staging it needs,
 * or with staging it should not have), and the staging areas in use are exactly one per layer for each open last
 * block of a live sequence. At the end, with every sequence freed, none is in use.
 *
 * <p>Staging is released only where the engine releases it, at the end of a step: a copy-on-write source freed
 * between the allocation and the step (its other holder ended) must keep its staging until it is copied.
 */
class PagedKvMemoryStagingPropertyTest {

    private static final int NUM_RUNS = 400;
    private static final int HEAD_DIM = 4;
    private static final KvCodec CODEC = StagedF32CodecProvider.codec();

    enum Kind {
        CREATE(3), APPEND(8), FORK(2), FREE(3), STEP(5), COMPACT(2), SWAP(2);

        final int weight;

        Kind(int weight) {
            this.weight = weight;
        }
    }

    private static final Kind[] WEIGHTED_KINDS = SeededRuns.weighted(Kind.values(), kind -> kind.weight);

    record Op(Kind kind, int a, int b) {
    }

    @Test
    void everySequenceReadsBackWhatItWroteAndStagingIsHeldOnlyByOpenBlocks() {
        SeededRuns.check(NUM_RUNS, PagedKvMemoryStagingPropertyTest::runRandomOperations)
                .requireShare("copy-on-write of an open block", 0.10)
                .requireShare("compaction leaving an open block", 0.10)
                .requireShare("swap of an open block", 0.10)
                .requireShare("stale area reused", 0.05);
    }

    private static void runRandomOperations(Run run) {
        int numBlocks = run.intBetween(2, 24);
        int blockSize = run.intBetween(1, 5);
        int numLayers = run.intBetween(1, 3);
        int numKvHeads = run.intBetween(1, 2);
        List<Op> operations = operations(run);
        run.setup("numBlocks=" + numBlocks + ", blockSize=" + blockSize + ", numLayers=" + numLayers
                + ", numKvHeads=" + numKvHeads);
        try (Harness h = new Harness(numBlocks, blockSize, numLayers, numKvHeads, run.random())) {
            for (int i = 0; i < operations.size(); i++) {
                run.step(i, operations.size(), operations.get(i));
                h.apply(operations.get(i));
            }
            run.afterSteps();
            h.step();
            for (SeqModel seq : new ArrayList<>(h.live)) {
                h.free(seq);
            }
            h.memory.releaseStagingOfFreeBlocks(h.pool::isFree);
            assertThat(h.memory.stagingAreasInUse()).as("areas in use once every sequence is freed").isZero();
            assertThat(h.pool.numFreeBlocks()).isEqualTo(numBlocks);

            run.classify("copy-on-write of an open block", h.numOpenCopies > 0);
            run.classify("compaction leaving an open block", h.numOpenCompactions > 0);
            run.classify("swap of an open block", h.numOpenSwaps > 0);
            run.classify("stale area reused", h.numStaleReuses > 0);
        }
    }

    private static List<Op> operations(Run run) {
        SplittableRandom random = run.random();
        int numOps = random.nextInt(20, 151);
        List<Op> operations = new ArrayList<>(numOps);
        for (int i = 0; i < numOps; i++) {
            operations.add(new Op(WEIGHTED_KINDS[random.nextInt(WEIGHTED_KINDS.length)], random.nextInt(10_001),
                    random.nextInt(10_001)));
        }
        return operations;
    }

    /** A live sequence: its token values by slot, and how many of them a step has written. */
    private static final class SeqModel {
        KvSequence handle;
        final List<Integer> tokens;
        int numWritten;

        SeqModel(KvSequence handle, List<Integer> tokens, int numWritten) {
            this.handle = handle;
            this.tokens = tokens;
            this.numWritten = numWritten;
        }
    }

    private static final class Harness implements AutoCloseable {
        final int blockSize;
        final int numLayers;
        final int kvDim;
        final SplittableRandom random;
        final BlockPool pool;
        final KvCacheManager manager;
        final PagedKvMemory memory;
        final List<SeqModel> live = new ArrayList<>();
        final float[] k;
        final float[] v;
        int nextToken = 1;
        int numOpenCopies;
        int numOpenCompactions;
        int numOpenSwaps;
        int numStaleReuses;

        Harness(int numBlocks, int blockSize, int numLayers, int numKvHeads, SplittableRandom random) {
            this.blockSize = blockSize;
            this.numLayers = numLayers;
            this.kvDim = numKvHeads * HEAD_DIM;
            this.random = random;
            pool = new BlockPool(numBlocks, blockSize);
            manager = new KvCacheManager(pool, () -> 0L);
            memory = new PagedKvMemory(numLayers, numBlocks, blockSize, numKvHeads, HEAD_DIM, CODEC);
            k = new float[numBlocks * blockSize * kvDim];
            v = new float[numBlocks * blockSize * kvDim];
        }

        void apply(Op op) {
            switch (op.kind()) {
                case CREATE -> live.add(new SeqModel(manager.createSequence("t"), new ArrayList<>(), 0));
                case APPEND -> {
                    if (!live.isEmpty()) {
                        append(live.get(op.a() % live.size()), op.b() % (blockSize + 3));
                    }
                }
                case FORK -> {
                    if (!live.isEmpty()) {
                        step();
                        SeqModel parent = live.get(op.a() % live.size());
                        live.add(new SeqModel(manager.fork(parent.handle), new ArrayList<>(parent.tokens),
                                parent.numWritten));
                    }
                }
                case FREE -> {
                    if (!live.isEmpty()) {
                        free(live.get(op.a() % live.size()));
                    }
                }
                case STEP -> step();
                case COMPACT -> {
                    if (!live.isEmpty()) {
                        step();
                        compact(live.get(op.a() % live.size()));
                    }
                }
                case SWAP -> {
                    if (!live.isEmpty()) {
                        step();
                        swap(live.get(op.a() % live.size()));
                    }
                }
            }
        }

        void append(SeqModel seq, int numNewTokens) {
            if (manager.allocateSlots(seq.handle, numNewTokens)) {
                for (int i = 0; i < numNewTokens; i++) {
                    seq.tokens.add(nextToken++);
                }
            }
        }

        void free(SeqModel seq) {
            manager.free(seq.handle);
            live.remove(seq);
        }

        /** The engine's part of a step: copies first, then every new token, layer by layer; then the release. */
        void step() {
            BlockCopies copies = manager.pendingCopies();
            for (int i = 0; i < copies.size(); i++) {
                numOpenCopies += memory.isOpen(copies.src(i)) ? 1 : 0;
                memory.copyBlock(copies.src(i), copies.dst(i));
            }
            copies.clear();
            for (int l = 0; l < numLayers; l++) {
                for (SeqModel seq : live) {
                    BlockTable table = manager.blockTable(seq.handle);
                    for (int p = seq.numWritten; p < seq.tokens.size(); p++) {
                        int block = table.blockIdForToken(p);
                        int slot = table.offsetInBlock(p);
                        if (l == 0 && slot == 0 && memory.staging(0, block, 0).byteSize() > 0) {
                            numStaleReuses++;
                        }
                        memory.writeToken(l, block, slot, vector(seq.tokens.get(p), l, false), 0,
                                vector(seq.tokens.get(p), l, true), 0);
                    }
                }
                // The layer's attention is done: blocks it sealed give their staging back.
                memory.releaseSealed();
            }
            for (SeqModel seq : live) {
                seq.numWritten = seq.tokens.size();
            }
            memory.releaseStagingOfFreeBlocks(pool::isFree);
            check();
        }

        /** Keeps a random ascending subset of a fully written sequence's slots, as eviction does. */
        void compact(SeqModel seq) {
            BlockTable table = manager.blockTable(seq.handle);
            for (int i = 0; i < table.numBlocks(); i++) {
                if (pool.refCount(table.blockId(i)) != 1) {
                    return; // Eviction never runs with shared blocks (it needs prefix caching off, and nothing forks).
                }
            }
            int numSlots = seq.tokens.size();
            int[] keep = new int[numSlots];
            int numKept = 0;
            for (int slot = 0; slot < numSlots; slot++) {
                if (random.nextInt(5) < 3) {
                    keep[numKept++] = slot;
                }
            }
            int[] blockIds = new int[table.numBlocks()];
            table.copyBlockIds(blockIds, 0);
            memory.compact(blockIds, keep, numKept, k, v);
            List<Integer> kept = new ArrayList<>();
            for (int i = 0; i < numKept; i++) {
                kept.add(seq.tokens.get(keep[i]));
            }
            manager.truncate(seq.handle, numKept);
            seq.tokens.clear();
            seq.tokens.addAll(kept);
            seq.numWritten = numKept;
            numOpenCompactions += numKept % blockSize != 0 ? 1 : 0;
            memory.releaseStagingOfFreeBlocks(pool::isFree);
            check();
        }

        /** Copies a sequence out, frees it and brings it back into new blocks, as a swap preemption and resume do. */
        void swap(SeqModel seq) {
            BlockTable table = manager.blockTable(seq.handle);
            int numBlocks = table.numBlocks();
            int numTokens = seq.tokens.size();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment blocks = arena.allocate(Math.max(1, numBlocks * memory.bytesPerBlock()));
                for (int i = 0; i < numBlocks; i++) {
                    memory.copyBlockOut(table.blockId(i), blocks.asSlice(i * memory.bytesPerBlock(), memory.bytesPerBlock()));
                }
                boolean staged = numBlocks > 0 && memory.isOpen(table.blockId(numBlocks - 1));
                MemorySegment staging = arena.allocate(memory.stagingBytesPerBlock());
                if (staged) {
                    memory.copyStagingOut(table.blockId(numBlocks - 1), staging);
                    numOpenSwaps++;
                }
                free(seq);
                KvSequence resumed = manager.createSequence("t");
                if (!manager.allocateSlots(resumed, numTokens)) {
                    // No room (blocks it shared stayed with a fork): the sequence is dropped, as a recompute would.
                    manager.free(resumed);
                    memory.releaseStagingOfFreeBlocks(pool::isFree);
                    check();
                    return;
                }
                BlockTable resumedTable = manager.blockTable(resumed);
                for (int i = 0; i < numBlocks; i++) {
                    memory.copyBlockIn(blocks.asSlice(i * memory.bytesPerBlock(), memory.bytesPerBlock()),
                            resumedTable.blockId(i));
                }
                if (staged) {
                    memory.copyStagingIn(staging, resumedTable.blockId(numBlocks - 1));
                }
                seq.handle = resumed;
                live.add(seq);
            }
            memory.releaseStagingOfFreeBlocks(pool::isFree);
            check();
        }

        /** Every written token reads back; one area per layer for each open last block, none anywhere else. */
        void check() {
            float[] kRead = new float[kvDim];
            float[] vRead = new float[kvDim];
            Set<Integer> openBlocks = new HashSet<>();
            for (SeqModel seq : live) {
                BlockTable table = manager.blockTable(seq.handle);
                for (int l = 0; l < numLayers; l++) {
                    for (int p = 0; p < seq.numWritten; p++) {
                        memory.readToken(l, table.blockIdForToken(p), table.offsetInBlock(p), kRead, 0, vRead, 0);
                        assertThat(kRead).as("K of token %d of %s in layer %d", p, seq.handle, l)
                                .containsExactly(vector(seq.tokens.get(p), l, false));
                        assertThat(vRead).as("V of token %d of %s in layer %d", p, seq.handle, l)
                                .containsExactly(vector(seq.tokens.get(p), l, true));
                    }
                }
                for (int i = 0; i < table.numBlocks(); i++) {
                    boolean last = i == table.numBlocks() - 1;
                    boolean open = last && table.numTokens() % blockSize != 0;
                    assertThat(memory.isOpen(table.blockId(i))).as("block %d of %s open", i, seq.handle).isEqualTo(open);
                    if (open) {
                        openBlocks.add(table.blockId(i));
                    }
                }
            }
            assertThat(memory.stagingAreasInUse()).as("areas in use for open blocks %s", openBlocks)
                    .isEqualTo(numLayers * openBlocks.size());
        }

        /** Token {@code token}'s K (or V) of every head in a layer. */
        float[] vector(int token, int layer, boolean value) {
            float[] x = new float[kvDim];
            for (int i = 0; i < kvDim; i++) {
                x[i] = token * 1000 + layer * 100 + i + (value ? 0.5f : 0f);
            }
            return x;
        }

        @Override
        public void close() {
            memory.close();
        }
    }
}
