package io.kvasir.plugins.prefix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The obvious model of a prefix index, for property tests: a map from (salt, whole prefix) to block id,
 * with every derived quantity computed by brute force.
 */
final class ReferencePrefixIndex {

    /** A cached block's identity: the salt and every token up to the end of the block. */
    record Key(long salt, List<Integer> prefix) {

        Key parent(int blockSize) {
            return prefix.size() == blockSize ? null : new Key(salt, prefix.subList(0, prefix.size() - blockSize));
        }

        boolean isBelow(Key other) {
            return salt == other.salt && prefix.size() > other.prefix.size()
                    && prefix.subList(0, other.prefix.size()).equals(other.prefix);
        }
    }

    private final boolean tree;
    private final int blockSize;
    private final Map<Key, Integer> blockOf = new HashMap<>();
    private final Map<Integer, Key> keyOf = new HashMap<>();
    private final Set<Integer> referenced = new HashSet<>();
    private final Map<Integer, Long> releasedAt = new HashMap<>();
    private long clock;
    long numQueries;
    long numHits;
    long numQueriedTokens;
    long numHitTokens;

    /**
     * @param tree whether blocks are evicted only after everything cached below them (a tree index) or each
     *     on its own (a hash index)
     */
    ReferencePrefixIndex(boolean tree, int blockSize) {
        this.tree = tree;
        this.blockSize = blockSize;
    }

    Key key(long salt, int[] tokens, int numBlocks) {
        List<Integer> prefix = new ArrayList<>(numBlocks * blockSize);
        for (int i = 0; i < numBlocks * blockSize; i++) {
            prefix.add(tokens[i]);
        }
        return new Key(salt, List.copyOf(prefix));
    }

    int[] match(int[] tokens, int numTokens, long salt) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 1; i <= numTokens / blockSize; i++) {
            Integer id = blockOf.get(key(salt, tokens, i));
            if (id == null) {
                break;
            }
            ids.add(id);
        }
        numQueries++;
        numQueriedTokens += numTokens;
        if (!ids.isEmpty()) {
            numHits++;
            numHitTokens += (long) ids.size() * blockSize;
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The block cached for the first {@code numBlocks} blocks of {@code tokens}, or null. */
    Integer cached(int[] tokens, int numBlocks, long salt) {
        return blockOf.get(key(salt, tokens, numBlocks));
    }

    void insert(int[] tokens, int numBlocks, long salt, int[] blockIds) {
        for (int i = 0; i < numBlocks; i++) {
            Key key = key(salt, tokens, i + 1);
            Integer cached = blockOf.get(key);
            int id = blockIds[i];
            if (cached == null) {
                if (keyOf.containsKey(id)) {
                    throw new IllegalStateException("test bug: block " + id + " is cached elsewhere");
                }
                blockOf.put(key, id);
                keyOf.put(id, key);
                referenced.add(id);
            } else if (cached == id) {
                referenced.add(id);
            }
        }
    }

    /** Whether inserting these ids would be rejected: an id cached at another key, or repeated. */
    boolean rejects(int[] tokens, int numBlocks, long salt, int[] blockIds) {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < numBlocks; i++) {
            int id = blockIds[i];
            if (!seen.add(id)) {
                return true;
            }
            Key key = keyOf.get(id);
            if (key != null && !key.equals(key(salt, tokens, i + 1))) {
                return true;
            }
        }
        return false;
    }

    boolean holds(int blockId) {
        return keyOf.containsKey(blockId);
    }

    boolean isReferenced(int blockId) {
        return referenced.contains(blockId);
    }

    void onReferenced(int blockId) {
        if (holds(blockId)) {
            referenced.add(blockId);
        }
    }

    boolean onUnreferenced(int blockId) {
        if (!holds(blockId)) {
            return false;
        }
        if (referenced.remove(blockId)) {
            releasedAt.put(blockId, ++clock);
        }
        return true;
    }

    /** The blocks an evict-everything call would return. */
    Set<Integer> evictable() {
        Set<Integer> out = new HashSet<>();
        for (Map.Entry<Integer, Key> entry : keyOf.entrySet()) {
            if (!referenced.contains(entry.getKey()) && (!tree || !hasReferencedBelow(entry.getValue()))) {
                out.add(entry.getKey());
            }
        }
        return out;
    }

    /** Whether a cached block with a longer prefix under {@code key} is still in the index. */
    boolean hasCachedBelow(int blockId) {
        Key key = keyOf.get(blockId);
        for (Key other : blockOf.keySet()) {
            if (other.isBelow(key)) {
                return true;
            }
        }
        return false;
    }

    /** When the block was last released (for LRU order), or 0. */
    long releasedAt(int blockId) {
        return releasedAt.getOrDefault(blockId, 0L);
    }

    void forget(int blockId) {
        Key key = keyOf.remove(blockId);
        if (key == null || referenced.contains(blockId)) {
            throw new AssertionError("forgetting block " + blockId + " that is " + (key == null ? "not held" : "referenced"));
        }
        blockOf.remove(key);
        releasedAt.remove(blockId);
    }

    /** A tree holds every prefix of what it holds. */
    void checkNoOrphans() {
        if (!tree) {
            return;
        }
        for (Key key : blockOf.keySet()) {
            Key parent = key.parent(blockSize);
            if (parent != null && !blockOf.containsKey(parent)) {
                throw new AssertionError("a tree index holds " + key + " but not its parent");
            }
        }
    }

    int size() {
        return keyOf.size();
    }

    Set<Integer> heldBlocks() {
        return new HashSet<>(keyOf.keySet());
    }

    Set<Integer> referencedBlocks() {
        return new HashSet<>(referenced);
    }

    @Override
    public String toString() {
        return "model" + Arrays.toString(keyOf.entrySet().toArray());
    }

    private boolean hasReferencedBelow(Key key) {
        for (int id : referenced) {
            if (keyOf.get(id).isBelow(key)) {
                return true;
            }
        }
        return false;
    }
}
