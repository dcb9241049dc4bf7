package io.kvasir.plugins.prefix;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.kvasir.api.plugin.PrefixIndex;
import io.kvasir.plugins.prefix.hash.internal.HashPrefixIndex;
import io.kvasir.plugins.prefix.radix.internal.EvictionOrder;
import io.kvasir.plugins.prefix.radix.internal.RadixPrefixIndex;

/** Once warm, the per-request paths allocate nothing, measured per thread. */
class PrefixIndexAllocationTest {

    private static final int ROUNDS = 8;
    private static final int BLOCK_SIZE = 16;
    private static final int NUM_PROMPTS = 32;
    private static final int NUM_BLOCKS = 8;

    private final int[][] prompts = new int[NUM_PROMPTS][];

    PrefixIndexAllocationTest() {
        SplittableRandom random = new SplittableRandom(11);
        for (int p = 0; p < NUM_PROMPTS; p++) {
            prompts[p] = new int[NUM_BLOCKS * BLOCK_SIZE];
            for (int i = 0; i < prompts[p].length; i++) {
                // A shared first block, then distinct text.
                prompts[p][i] = i < BLOCK_SIZE ? i : random.nextInt(32_000);
            }
        }
    }

    @Test
    void hashIndexInsertMatchReleaseAndEvictAllocateNothingOnceWarm() {
        com.sun.management.ThreadMXBean threads = allocationCounter();
        PrefixIndex index = new HashPrefixIndex();
        int[] blockIds = new int[NUM_BLOCKS];
        int[] matched = new int[NUM_BLOCKS];
        int[] evicted = new int[NUM_PROMPTS * NUM_BLOCKS];
        long[] allocated = new long[ROUNDS];
        long checksum = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int p = 0; p < NUM_PROMPTS; p++) {
                for (int b = 0; b < NUM_BLOCKS; b++) {
                    blockIds[b] = p * NUM_BLOCKS + b;
                }
                int numMatched = index.match(prompts[p], prompts[p].length, BLOCK_SIZE, 3, matched);
                for (int b = 0; b < numMatched; b++) {
                    index.onReferenced(matched[b]);
                }
                index.insert(prompts[p], NUM_BLOCKS, BLOCK_SIZE, 3, blockIds);
                for (int b = NUM_BLOCKS - 1; b >= 0; b--) {
                    index.onUnreferenced(b < numMatched ? matched[b] : blockIds[b]);
                }
                checksum += numMatched;
            }
            checksum += index.evict(evicted.length, evicted);
            allocated[round] = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertThat(checksum).isPositive();
        // A JIT recompilation on a loaded machine may allocate in one round; an allocating path allocates in all.
        assertThat(Arrays.stream(allocated, ROUNDS / 2, ROUNDS).min().orElseThrow())
                .as("fewest bytes allocated in a late round: %s", Arrays.toString(allocated)).isZero();
    }

    @Test
    void radixIndexMatchAndReferenceChangesOnWholeEdgesAllocateNothing() {
        com.sun.management.ThreadMXBean threads = allocationCounter();
        RadixPrefixIndex index = new RadixPrefixIndex(EvictionOrder.LFU);
        int[] blockIds = new int[NUM_BLOCKS];
        for (int p = 0; p < NUM_PROMPTS; p++) {
            for (int b = 0; b < NUM_BLOCKS; b++) {
                blockIds[b] = p * NUM_BLOCKS + b;
            }
            index.insert(prompts[p], NUM_BLOCKS, BLOCK_SIZE, 3, blockIds);
            for (int b = NUM_BLOCKS - 1; b >= 0; b--) {
                index.onUnreferenced(blockIds[b]);
            }
        }
        int[] matched = new int[NUM_BLOCKS];
        long[] allocated = new long[ROUNDS];
        long checksum = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int[] prompt : prompts) {
                int numMatched = index.match(prompt, prompt.length, BLOCK_SIZE, 3, matched);
                // Deepest first: each edge's last block is referenced first, so no edge is cut.
                for (int b = numMatched - 1; b >= 0; b--) {
                    index.onReferenced(matched[b]);
                }
                for (int b = numMatched - 1; b >= 0; b--) {
                    index.onUnreferenced(matched[b]);
                }
                checksum += numMatched + index.numEvictableBlocks();
            }
            allocated[round] = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertThat(checksum).isPositive();
        // A JIT recompilation on a loaded machine may allocate in one round; an allocating path allocates in all.
        assertThat(Arrays.stream(allocated, ROUNDS / 2, ROUNDS).min().orElseThrow())
                .as("fewest bytes allocated in a late round: %s", Arrays.toString(allocated)).isZero();
        index.checkInvariants();
    }

    private static com.sun.management.ThreadMXBean allocationCounter() {
        boolean supported = ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported();
        Assumptions.assumeTrue(supported, "this JVM does not count allocated bytes per thread");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        return threads;
    }
}
