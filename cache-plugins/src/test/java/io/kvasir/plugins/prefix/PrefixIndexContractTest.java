package io.kvasir.plugins.prefix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.kvasir.api.plugin.PrefixCacheStats;
import io.kvasir.api.plugin.PrefixIndex;

/**
 * The behaviour every {@link PrefixIndex} shares, run against each implementation by a subclass: unit
 * tests of the protocol, and seeded random operation sequences checked against {@link ReferencePrefixIndex}.
 */
public abstract class PrefixIndexContractTest {

    protected static final int BLOCK = 2;
    protected static final long SALT = 7;

    /** A fresh, empty index. */
    protected abstract PrefixIndex newIndex();

    /** Whether the index gives a block up only after every block cached below it (a tree). */
    protected abstract boolean evictsChildrenFirst();

    /**
     * Whether {@code evict} returns blocks strictly in the order they were last released (a hash index's
     * LRU list); a tree orders leaves, not blocks.
     */
    protected abstract boolean evictsInReleaseOrder();

    /** Checks the implementation's internal invariants (its own {@code checkInvariants}). */
    protected abstract void checkInvariants(PrefixIndex index);

    /** Checks that the implementation's internal structures are empty. */
    protected abstract void assertStructureEmpty(PrefixIndex index);

    protected static int[] tokens(int... tokens) {
        return tokens;
    }

    protected static int[] match(PrefixIndex index, int[] tokens, long salt) {
        int[] out = new int[tokens.length / BLOCK + 1];
        int n = index.match(tokens, tokens.length, BLOCK, salt, out);
        return Arrays.copyOf(out, n);
    }

    protected static int[] match(PrefixIndex index, int[] tokens) {
        return match(index, tokens, SALT);
    }

    protected static void insert(PrefixIndex index, int[] tokens, int... blockIds) {
        index.insert(tokens, blockIds.length, BLOCK, SALT, blockIds);
    }

    protected static int[] evict(PrefixIndex index, int numBlocks) {
        int[] out = new int[numBlocks];
        int n = index.evict(numBlocks, out);
        return Arrays.copyOf(out, n);
    }

    protected static void releaseAll(PrefixIndex index, int... blockIds) {
        for (int blockId : blockIds) {
            assertThat(index.onUnreferenced(blockId)).as("index holds block %d", blockId).isTrue();
        }
    }

    // ---- matching ----

    @Test
    void emptyIndexMatchesNothing() {
        PrefixIndex index = newIndex();
        assertThat(match(index, tokens(1, 2, 3, 4))).isEmpty();
        assertThat(index.numEvictableBlocks()).isZero();
        assertThat(index.stats().numCachedBlocks()).isZero();
    }

    @Test
    void matchesTheFullBlocksOfAnInsertedPrefix() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4, 5, 6), 10, 11, 12);
        assertThat(match(index, tokens(1, 2, 3, 4, 5, 6))).containsExactly(10, 11, 12);
        assertThat(match(index, tokens(1, 2, 3, 4, 5, 6, 7, 8, 9))).containsExactly(10, 11, 12);
        assertThat(match(index, tokens(1, 2, 3, 4, 5))).as("the partial last block is never matched").containsExactly(10, 11);
        assertThat(match(index, tokens(1))).isEmpty();
    }

    @Test
    void sharedPrefixMatchesOnlyTheCommonBlocks() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4, 5, 6), 10, 11, 12);
        assertThat(match(index, tokens(1, 2, 3, 4, 9, 9, 5, 6))).containsExactly(10, 11);
        insert(index, tokens(1, 2, 3, 4, 9, 9, 5, 6), 10, 11, 20, 21);
        assertThat(match(index, tokens(1, 2, 3, 4, 9, 9, 5, 6))).containsExactly(10, 11, 20, 21);
        assertThat(match(index, tokens(1, 2, 3, 4, 5, 6))).containsExactly(10, 11, 12);
        assertThat(index.stats().numCachedBlocks()).isEqualTo(5);
    }

    @Test
    void divergenceInsideABlockIsNotMatched() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4, 5, 6), 10, 11, 12);
        assertThat(match(index, tokens(1, 2, 3, 9, 5, 6))).containsExactly(10);
        assertThat(match(index, tokens(9, 2, 3, 4, 5, 6))).isEmpty();
        assertThat(match(index, tokens(1, 2, 3, 4, 5, 7))).containsExactly(10, 11);
    }

    @Test
    void aBlockMatchesOnlyAfterItsOwnPrefix() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4), 10, 11);
        assertThat(match(index, tokens(3, 4))).as("block (3, 4) cached after (1, 2) only").isEmpty();
    }

    @Test
    void saltsIsolateTenants() {
        PrefixIndex index = newIndex();
        int[] prompt = tokens(1, 2, 3, 4);
        index.insert(prompt, 2, BLOCK, 1, new int[] {10, 11});
        assertThat(match(index, prompt, 2)).isEmpty();
        index.insert(prompt, 2, BLOCK, 2, new int[] {20, 21});
        assertThat(match(index, prompt, 1)).containsExactly(10, 11);
        assertThat(match(index, prompt, 2)).containsExactly(20, 21);
        assertThat(index.stats().numCachedBlocks()).isEqualTo(4);
    }

    @Test
    void matchDoesNotTakeReferences() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4), 10, 11);
        releaseAll(index, 11, 10);
        assertThat(match(index, tokens(1, 2, 3, 4))).containsExactly(10, 11);
        assertThat(index.numEvictableBlocks()).isEqualTo(2);
    }

    // ---- inserting ----

    @Test
    void keepsTheCachedBlocksWhenAPrefixIsInsertedAgainUnderOtherIds() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4), 10, 11);
        insert(index, tokens(1, 2, 3, 4), 20, 21);
        assertThat(match(index, tokens(1, 2, 3, 4))).containsExactly(10, 11);
        assertThat(index.stats().numCachedBlocks()).isEqualTo(2);
        assertThat(index.onUnreferenced(20)).as("duplicates stay the caller's to free").isFalse();
        assertThat(index.onUnreferenced(21)).isFalse();
    }

    @Test
    void insertExtendsACachedPrefixBelowDuplicates() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4), 10, 11);
        insert(index, tokens(1, 2, 3, 4, 5, 6), 20, 21, 22);
        assertThat(match(index, tokens(1, 2, 3, 4, 5, 6))).containsExactly(10, 11, 22);
    }

    @Test
    void reinsertingTheSameBlocksChangesNothing() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4), 10, 11);
        insert(index, tokens(1, 2, 3, 4), 10, 11);
        assertThat(index.stats().numCachedBlocks()).isEqualTo(2);
        assertThat(match(index, tokens(1, 2, 3, 4))).containsExactly(10, 11);
    }

    @Test
    void insertedBlocksCountAsReferencedUntilReleased() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4), 10, 11);
        assertThat(index.numEvictableBlocks()).isZero();
        assertThat(evict(index, 2)).isEmpty();
        releaseAll(index, 11, 10);
        assertThat(index.numEvictableBlocks()).isEqualTo(2);
    }

    @Test
    void insertReferencesReleasedBlocksItIsGivenAgain() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4), 10, 11);
        releaseAll(index, 11, 10);
        insert(index, tokens(1, 2, 3, 4, 5, 6), 10, 11, 12);
        assertThat(index.numEvictableBlocks()).isZero();
    }

    @Test
    void rejectsABlockIndexedForAnotherPrefixAndChangesNothing() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4), 10, 11);
        releaseAll(index, 11);
        assertThatThrownBy(() -> insert(index, tokens(5, 6, 7, 8), 30, 11))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("block 11");
        assertThat(match(index, tokens(5, 6, 7, 8))).isEmpty();
        assertThat(index.stats().numCachedBlocks()).isEqualTo(2);
        assertThat(index.numEvictableBlocks()).isEqualTo(1);
        checkInvariants(index);
    }

    @Test
    void rejectsABlockIdRepeatedInOneInsert() {
        PrefixIndex index = newIndex();
        assertThatThrownBy(() -> insert(index, tokens(1, 2, 3, 4), 10, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThat(index.stats().numCachedBlocks()).isZero();
    }

    @Test
    void rejectsBadArguments() {
        PrefixIndex index = newIndex();
        assertThatThrownBy(() -> index.insert(tokens(1, 2), 2, BLOCK, SALT, new int[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numBlocks");
        assertThatThrownBy(() -> index.insert(tokens(1, 2), 1, BLOCK, SALT, new int[] {-1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockId");
        assertThatThrownBy(() -> index.match(tokens(1, 2, 3, 4), 4, BLOCK, SALT, new int[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockIds");
        assertThatThrownBy(() -> index.match(tokens(1, 2), 3, BLOCK, SALT, new int[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numTokens");
        assertThatThrownBy(() -> index.match(tokens(1, 2), 2, 0, SALT, new int[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockSize");
        assertThatThrownBy(() -> index.evict(3, new int[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numBlocks");
    }

    @Test
    void oneBlockSizePerIndex() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2), 10);
        assertThatThrownBy(() -> index.match(tokens(1, 2, 3), 3, 3, SALT, new int[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockSize 3");
    }

    // ---- references ----

    @Test
    void onUnreferencedTellsWhetherTheIndexKeepsTheBlock() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2), 10);
        assertThat(index.onUnreferenced(10)).isTrue();
        assertThat(index.onUnreferenced(10)).as("a second release is harmless").isTrue();
        assertThat(index.numEvictableBlocks()).isEqualTo(1);
        assertThat(index.onUnreferenced(99)).isFalse();
    }

    @Test
    void aReacquiredBlockIsNotEvicted() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2), 10);
        index.onUnreferenced(10);
        index.onReferenced(10);
        index.onReferenced(10);
        index.onReferenced(99);
        assertThat(index.numEvictableBlocks()).isZero();
        assertThat(evict(index, 1)).isEmpty();
        index.onUnreferenced(10);
        assertThat(evict(index, 1)).containsExactly(10);
    }

    // ---- eviction ----

    @Test
    void evictedBlocksAreForgotten() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2), 10);
        index.onUnreferenced(10);
        assertThat(evict(index, 5)).containsExactly(10);
        assertThat(match(index, tokens(1, 2))).isEmpty();
        assertThat(index.onUnreferenced(10)).isFalse();
        assertThat(index.stats().numCachedBlocks()).isZero();
        insert(index, tokens(3, 4), 10);
        assertThat(match(index, tokens(3, 4))).as("an evicted id can cache another prefix").containsExactly(10);
    }

    @Test
    void evictsLeastRecentlyReleasedFirst() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 1), 10);
        insert(index, tokens(2, 2), 20);
        insert(index, tokens(3, 3), 30);
        releaseAll(index, 20, 10, 30);
        assertThat(evict(index, 1)).containsExactly(20);
        assertThat(evict(index, 1)).containsExactly(10);
        assertThat(evict(index, 1)).containsExactly(30);
    }

    @Test
    void evictsNoMoreThanAskedNorMoreThanEvictable() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4, 5, 6), 10, 11, 12);
        insert(index, tokens(7, 8), 20);
        releaseAll(index, 12, 11, 10);
        assertThat(evict(index, 0)).isEmpty();
        assertThat(evict(index, 2)).hasSize(2);
        assertThat(evict(index, 5)).hasSize(1);
        assertThat(index.numEvictableBlocks()).isZero();
        assertThat(match(index, tokens(7, 8))).containsExactly(20);
    }

    @Test
    void emptyAfterEvictingEverything() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4, 5, 6), 10, 11, 12);
        insert(index, tokens(1, 2, 3, 4, 9, 9), 10, 11, 13);
        index.insert(tokens(1, 2), 1, BLOCK, 99, new int[] {14});
        releaseAll(index, 12, 13, 11, 10, 14);
        int[] evicted = evict(index, 10);
        assertThat(evicted).containsExactlyInAnyOrder(10, 11, 12, 13, 14);
        assertThat(index.numEvictableBlocks()).isZero();
        assertThat(index.stats().numCachedBlocks()).isZero();
        assertStructureEmpty(index);
        checkInvariants(index);
    }

    // ---- stats ----

    @Test
    void statsCountQueriesHitsAndTokens() {
        PrefixIndex index = newIndex();
        insert(index, tokens(1, 2, 3, 4), 10, 11);
        match(index, tokens(1, 2, 3, 4, 5));
        match(index, tokens(1, 2, 9, 9));
        match(index, tokens(9, 9, 9));
        PrefixCacheStats stats = index.stats();
        assertThat(stats.numQueries()).isEqualTo(3);
        assertThat(stats.numHits()).isEqualTo(2);
        assertThat(stats.numQueriedTokens()).isEqualTo(5 + 4 + 3);
        assertThat(stats.numHitTokens()).isEqualTo(4 + 2);
        assertThat(stats.numCachedBlocks()).isEqualTo(2);
        assertThat(stats.tokenHitRate()).isEqualTo(6.0 / 12);
    }

    // ---- random operation sequences against the reference model ----

    protected static LongStream seeds() {
        return LongStream.range(0, 60);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomOperationsAgreeWithTheReferenceModel(long seed) {
        try {
            new RandomRun(seed).run();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
        }
    }

    private final class RandomRun {

        private static final int NUM_OPERATIONS = 600;
        private static final int NUM_BLOCK_IDS = 40;
        private static final long[] SALTS = {0, 1, -5};

        private final SplittableRandom random;
        private final int blockSize;
        private final int alphabet;
        private final PrefixIndex index = newIndex();
        private final ReferencePrefixIndex model;
        private final List<int[]> prompts = new ArrayList<>();

        RandomRun(long seed) {
            random = new SplittableRandom(seed);
            blockSize = 1 + random.nextInt(3);
            alphabet = 2 + random.nextInt(2);
            model = new ReferencePrefixIndex(evictsChildrenFirst(), blockSize);
        }

        void run() {
            for (int step = 0; step < NUM_OPERATIONS; step++) {
                int op = random.nextInt(100);
                if (op < 30) {
                    insertRandom();
                } else if (op < 55) {
                    matchRandom();
                } else if (op < 68) {
                    referenceRandom();
                } else if (op < 88) {
                    releaseRandom();
                } else {
                    evictRandom();
                }
                checkAgreement("step " + step);
            }
            drain();
        }

        private void insertRandom() {
            int[] prompt = randomPrompt();
            long salt = randomSalt();
            int numBlocks = prompt.length / blockSize;
            int[] ids = new int[numBlocks];
            Set<Integer> used = new HashSet<>();
            for (int i = 0; i < numBlocks; i++) {
                Integer cached = model.cached(prompt, i + 1, salt);
                if (cached != null && random.nextInt(4) != 0) {
                    ids[i] = cached;
                } else {
                    Integer fresh = freshBlockId(used);
                    if (fresh == null) {
                        return;
                    }
                    ids[i] = fresh;
                }
                used.add(ids[i]);
            }
            if (numBlocks > 0 && random.nextInt(15) == 0) {
                // Sometimes a wrong call: an id held elsewhere or repeated; it must be rejected whole.
                List<Integer> held = new ArrayList<>(model.heldBlocks());
                ids[random.nextInt(numBlocks)] = held.isEmpty() || random.nextBoolean() ? ids[0] : held.get(random.nextInt(held.size()));
            }
            if (model.rejects(prompt, numBlocks, salt, ids)) {
                int numCachedBefore = index.stats().numCachedBlocks();
                int numEvictableBefore = index.numEvictableBlocks();
                assertThatThrownBy(() -> index.insert(prompt, numBlocks, blockSize, salt, ids))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(index.stats().numCachedBlocks()).isEqualTo(numCachedBefore);
                assertThat(index.numEvictableBlocks()).isEqualTo(numEvictableBefore);
                return;
            }
            index.insert(prompt, numBlocks, blockSize, salt, ids);
            model.insert(prompt, numBlocks, salt, ids);
            prompts.add(prompt);
        }

        private void matchRandom() {
            int[] prompt = randomPrompt();
            long salt = randomSalt();
            int numTokens = random.nextInt(prompt.length + 1);
            int[] out = new int[numTokens / blockSize];
            int n = index.match(prompt, numTokens, blockSize, salt, out);
            int[] expected = model.match(prompt, numTokens, salt);
            assertThat(Arrays.copyOf(out, n)).as("match of %s (%d tokens, salt %d)", Arrays.toString(prompt), numTokens, salt)
                    .containsExactly(expected);
        }

        private void referenceRandom() {
            int blockId = someBlockId(false);
            index.onReferenced(blockId);
            model.onReferenced(blockId);
        }

        private void releaseRandom() {
            int blockId = someBlockId(true);
            boolean expected = model.onUnreferenced(blockId);
            assertThat(index.onUnreferenced(blockId)).as("onUnreferenced(%d)", blockId).isEqualTo(expected);
        }

        private void evictRandom() {
            Set<Integer> evictable = model.evictable();
            int numBlocks = random.nextInt(evictable.size() + 3);
            int[] out = new int[numBlocks];
            int n = index.evict(numBlocks, out);
            assertThat(n).as("evicted count").isEqualTo(Math.min(numBlocks, evictable.size()));
            applyEviction(Arrays.copyOf(out, n), evictable);
        }

        private void applyEviction(int[] evicted, Set<Integer> evictable) {
            Set<Integer> seen = new HashSet<>();
            long lastReleased = Long.MIN_VALUE;
            for (int blockId : evicted) {
                assertThat(seen.add(blockId)).as("block %d evicted twice", blockId).isTrue();
                assertThat(evictable).as("evicted block %d must be unreferenced and evictable", blockId).contains(blockId);
                if (evictsChildrenFirst()) {
                    assertThat(model.hasCachedBelow(blockId)).as("block %d evicted before a block below it", blockId).isFalse();
                }
                if (evictsInReleaseOrder()) {
                    assertThat(model.releasedAt(blockId)).as("release order of block %d", blockId).isGreaterThan(lastReleased);
                    lastReleased = model.releasedAt(blockId);
                }
                model.forget(blockId);
            }
            if (evictsInReleaseOrder()) {
                for (int blockId : model.evictable()) {
                    assertThat(model.releasedAt(blockId)).as("block %d released after the evicted ones", blockId)
                            .isGreaterThan(lastReleased);
                }
            }
        }

        private void drain() {
            for (int blockId : model.referencedBlocks()) {
                assertThat(index.onUnreferenced(blockId)).isTrue();
                model.onUnreferenced(blockId);
            }
            checkAgreement("after releasing everything");
            assertThat(index.numEvictableBlocks()).isEqualTo(model.size());
            Set<Integer> evictable = model.evictable();
            int[] out = new int[evictable.size() + 1];
            int n = index.evict(out.length, out);
            assertThat(n).isEqualTo(evictable.size());
            applyEviction(Arrays.copyOf(out, n), evictable);
            assertThat(index.numEvictableBlocks()).isZero();
            assertThat(index.stats().numCachedBlocks()).isZero();
            for (int[] prompt : prompts) {
                for (long salt : SALTS) {
                    assertThat(index.match(prompt, prompt.length, blockSize, salt, new int[prompt.length / blockSize])).isZero();
                }
            }
            assertStructureEmpty(index);
            checkInvariants(index);
        }

        private void checkAgreement(String where) {
            checkInvariants(index);
            model.checkNoOrphans();
            assertThat(index.numEvictableBlocks()).as("numEvictableBlocks at %s", where).isEqualTo(model.evictable().size());
            PrefixCacheStats stats = index.stats();
            assertThat(stats.numCachedBlocks()).as("numCachedBlocks at %s", where).isEqualTo(model.size());
            assertThat(stats.numQueries()).isEqualTo(model.numQueries);
            assertThat(stats.numHits()).isEqualTo(model.numHits);
            assertThat(stats.numQueriedTokens()).isEqualTo(model.numQueriedTokens);
            assertThat(stats.numHitTokens()).isEqualTo(model.numHitTokens);
        }

        /** A prompt of up to 5 blocks and a partial one, often extending or varying an earlier prompt. */
        private int[] randomPrompt() {
            int length = random.nextInt(5 * blockSize + blockSize);
            int[] prompt = new int[length];
            int[] base = prompts.isEmpty() || random.nextInt(3) == 0 ? null : prompts.get(random.nextInt(prompts.size()));
            for (int i = 0; i < length; i++) {
                prompt[i] = base != null && i < base.length && random.nextInt(12) != 0 ? base[i] : random.nextInt(alphabet);
            }
            return prompt;
        }

        private long randomSalt() {
            return SALTS[random.nextInt(random.nextInt(4) == 0 ? SALTS.length : 1)];
        }

        private Integer freshBlockId(Set<Integer> used) {
            for (int attempt = 0; attempt < 4 * NUM_BLOCK_IDS; attempt++) {
                int blockId = random.nextInt(NUM_BLOCK_IDS);
                if (!model.holds(blockId) && !used.contains(blockId)) {
                    return blockId;
                }
            }
            return null;
        }

        /** Mostly a held block (a referenced one when {@code referenced}), sometimes any id. */
        private int someBlockId(boolean referenced) {
            List<Integer> candidates = new ArrayList<>();
            for (int blockId : model.heldBlocks()) {
                if (model.isReferenced(blockId) == referenced) {
                    candidates.add(blockId);
                }
            }
            if (candidates.isEmpty() || random.nextInt(6) == 0) {
                return random.nextInt(NUM_BLOCK_IDS + 2);
            }
            candidates.sort(null);
            return candidates.get(random.nextInt(candidates.size()));
        }
    }
}
