package io.kvasir.plugins.prefix.radix.internal;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.kvasir.api.plugin.PrefixCacheStats;
import io.kvasir.api.plugin.PrefixIndex;
import io.kvasir.plugins.prefix.internal.LongObjectMap;
import io.kvasir.plugins.prefix.internal.PrefixCacheCounters;
import io.kvasir.plugins.prefix.internal.PrefixIndexArgs;
import io.kvasir.plugins.prefix.internal.RepeatedBlockCheck;

/**
 * A prefix index in the manner of SGLang's radix cache: one radix tree per salt over token sequences at
 * block granularity. Each edge holds whole blocks (their tokens and block ids); a sequence that diverges
 * inside an edge splits it at the block boundary. Only leaves are evicted, so a block goes only after
 * everything cached below it, and a leaf's last block goes first.
 *
 * <p>The engine reports references per block ({@link #onReferenced}, {@link #onUnreferenced}); like
 * SGLang's {@code inc_lock_ref}/{@code dec_lock_ref}, each change walks from the block's node to the root,
 * adjusting {@code lockRef} (referenced blocks in the subtree) and moving a node's blocks between
 * evictable and protected when its count passes 0. Evictable leaves sit in a heap ordered by the
 * configured {@link EvictionOrder}, so eviction never scans the tree.
 *
 * <p>Invariants:
 * <ul>
 *   <li>every non-root node has at least one block; a root exists only while it has children;</li>
 *   <li>{@code lockRef == numReferenced + Σ children's lockRef}; a node's blocks count as evictable exactly
 *       when its {@code lockRef} is 0, so {@code numEvictable} is the sum of their sizes;</li>
 *   <li>a node with a referenced block has a referenced last block (nodes are cut after their last
 *       referenced block), so a node with {@code lockRef > 0} has no evictable block and the count is
 *       exact per block;</li>
 *   <li>the heap holds exactly the non-root leaves with {@code lockRef == 0};</li>
 *   <li>{@code blockNode[b]} and {@code blockOffset[b]} locate every held block {@code b}.</li>
 * </ul>
 * Not thread-safe (engine loop only). {@code match} and {@code evict} allocate nothing; a reference change
 * allocates only when it cuts a node in two; {@code insert} allocates the nodes it creates or splits.
 */
public final class RadixPrefixIndex implements PrefixIndex {

    private static final int[] NO_INTS = new int[0];

    private final EvictionOrder order;
    private final EvictionHeap heap;
    private final LongObjectMap<RadixNode> roots = new LongObjectMap<>();
    private final PrefixCacheCounters counters = new PrefixCacheCounters();
    private final RepeatedBlockCheck repeated = new RepeatedBlockCheck();
    private ChildTable children;
    private int blockSize;
    private long nextSerial;
    private long clock;

    // Per block id, grown on demand.
    private RadixNode[] blockNode = new RadixNode[0];
    private int[] blockOffset = NO_INTS;
    private boolean[] referenced = new boolean[0];

    private int[] insertPath = new int[16];
    private int numCached;
    private int numEvictable;
    private int numNodes;

    /** An empty index that evicts leaves in {@code order}. */
    public RadixPrefixIndex(EvictionOrder order) {
        this.order = Objects.requireNonNull(order, "order");
        this.heap = new EvictionHeap(order);
    }

    /** The eviction order chosen at construction. */
    public EvictionOrder order() {
        return order;
    }

    @Override
    public int match(int[] tokens, int numTokens, int blockSize, long salt, int[] blockIds) {
        PrefixIndexArgs.checkMatch(tokens, numTokens, blockSize, blockIds);
        fixBlockSize(blockSize);
        int numMatched = walk(tokens, numTokens / blockSize, salt, blockIds, true);
        counters.recordQuery(numTokens, numMatched * blockSize);
        return numMatched;
    }

    @Override
    public void insert(int[] tokens, int numBlocks, int blockSize, long salt, int[] blockIds) {
        PrefixIndexArgs.checkInsert(tokens, numBlocks, blockSize, blockIds);
        fixBlockSize(blockSize);
        if (insertPath.length < numBlocks) {
            insertPath = new int[Math.max(numBlocks, 2 * insertPath.length)];
        }
        // Checked before anything changes: a rejected call leaves the tree as it was.
        int numCachedBlocks = walk(tokens, numBlocks, salt, insertPath, false);
        repeated.begin();
        for (int i = 0; i < numBlocks; i++) {
            int blockId = blockIds[i];
            PrefixIndexArgs.checkBlockId(blockId);
            repeated.add(blockId);
            if (isHeld(blockId) && (i >= numCachedBlocks || insertPath[i] != blockId)) {
                throw new IllegalArgumentException("block " + blockId + " (blockIds[" + i + "]) is indexed for another prefix");
            }
        }
        if (numBlocks == 0) {
            return;
        }
        RadixNode node = roots.get(salt);
        if (node == null) {
            node = new RadixNode(nextSerial++, salt, null, NO_INTS, NO_INTS, 0);
            roots.put(salt, node);
        }
        long now = ++clock;
        int i = 0;
        while (i < numBlocks) {
            RadixNode child = children.find(node, tokens, i * blockSize);
            if (child == null) {
                addLeaf(node, tokens, i, numBlocks, blockIds, now);
                break;
            }
            int numMatched = matchEdge(child, tokens, i, numBlocks);
            touch(child, now, false);
            i += numMatched;
            if (numMatched < child.numBlocks) {
                if (i < numBlocks) {
                    addLeaf(split(child, numMatched), tokens, i, numBlocks, blockIds, now);
                }
                break;
            }
            node = child;
        }
        // The caller holds every block it passed; those the index keeps are referenced now.
        for (int j = 0; j < numBlocks; j++) {
            onReferenced(blockIds[j]);
        }
    }

    @Override
    public void onReferenced(int blockId) {
        PrefixIndexArgs.checkBlockId(blockId);
        if (!isHeld(blockId) || referenced[blockId]) {
            return;
        }
        RadixNode node = blockNode[blockId];
        if (node.numReferenced == 0 && blockOffset[blockId] < node.numBlocks - 1) {
            // The blocks after this one stay evictable once the leaf below them goes: give them their own node.
            node = cut(node, blockOffset[blockId] + 1);
        }
        referenced[blockId] = true;
        node.numReferenced++;
        for (RadixNode n = node; !n.isRoot(); n = n.parent) {
            if (n.lockRef++ == 0) {
                numEvictable -= n.numBlocks;
                if (n.heapIndex >= 0) {
                    heap.remove(n);
                }
            }
        }
    }

    @Override
    public boolean onUnreferenced(int blockId) {
        PrefixIndexArgs.checkBlockId(blockId);
        if (!isHeld(blockId)) {
            return false;
        }
        if (!referenced[blockId]) {
            return true;
        }
        RadixNode node = blockNode[blockId];
        referenced[blockId] = false;
        node.numReferenced--;
        node.lastAccess = ++clock;
        for (RadixNode n = node; !n.isRoot(); n = n.parent) {
            if (--n.lockRef == 0) {
                numEvictable += n.numBlocks;
                if (n.isLeaf()) {
                    heap.add(n);
                }
            }
        }
        if (node.numReferenced > 0 && !referenced[node.blockIds[node.numBlocks - 1]]) {
            cut(node, lastReferencedOffset(node) + 1);
        }
        return true;
    }

    @Override
    public int evict(int numBlocks, int[] evicted) {
        PrefixIndexArgs.checkEvict(numBlocks, evicted);
        int numEvicted = 0;
        while (numEvicted < numBlocks && heap.size() > 0) {
            RadixNode leaf = heap.peek();
            int numTaken = Math.min(leaf.numBlocks, numBlocks - numEvicted);
            // A leaf's deepest blocks go first, so what stays is still a prefix.
            for (int t = 1; t <= numTaken; t++) {
                int blockId = leaf.blockIds[leaf.numBlocks - t];
                assert !referenced[blockId] : "evicting referenced block " + blockId;
                blockNode[blockId] = null;
                evicted[numEvicted++] = blockId;
            }
            numEvictable -= numTaken;
            numCached -= numTaken;
            if (numTaken == leaf.numBlocks) {
                removeLeaf(leaf);
            } else {
                leaf.numBlocks -= numTaken;
            }
        }
        return numEvicted;
    }

    @Override
    public int numEvictableBlocks() {
        return numEvictable;
    }

    @Override
    public PrefixCacheStats stats() {
        return counters.snapshot(numCached);
    }

    /** Nodes below the roots (for tests and diagnostics). */
    public int numNodes() {
        return numNodes;
    }

    /** Trees, one per salt with cached blocks (for tests and diagnostics). */
    public int numRoots() {
        return roots.size();
    }

    /**
     * Walks the whole tree and throws {@link AssertionError} where the class invariants do not hold; for
     * tests.
     */
    public void checkInvariants() {
        List<RadixNode> nodes = children == null ? List.of() : children.nodes();
        Map<RadixNode, int[]> childStats = new IdentityHashMap<>();
        for (RadixNode root : roots.values()) {
            check(root.isRoot() && root.numBlocks == 0, "root " + root + " has blocks or a parent");
            check(roots.get(root.salt) == root, "root " + root + " is filed under another salt");
            childStats.put(root, new int[2]);
        }
        for (RadixNode node : nodes) {
            childStats.put(node, new int[2]);
        }
        int sumBlocks = 0;
        int sumEvictable = 0;
        int numHeapLeaves = 0;
        for (RadixNode node : nodes) {
            int[] parentStats = childStats.get(node.parent);
            check(parentStats != null, node + " hangs below a node outside the tree");
            check(node.salt == node.parent.salt, node + " has another salt than its parent");
            parentStats[0]++;
            parentStats[1] += node.lockRef;
            check(node.numBlocks > 0, node + " has no blocks");
            int numReferenced = 0;
            for (int j = 0; j < node.numBlocks; j++) {
                int b = node.blockIds[j];
                check(blockNode[b] == node && blockOffset[b] == j, "block " + b + " is not located at " + node + "[" + j + "]");
                numReferenced += referenced[b] ? 1 : 0;
            }
            check(numReferenced == node.numReferenced, node + " counts " + node.numReferenced + " referenced blocks, has "
                    + numReferenced);
            check(numReferenced == 0 || referenced[node.blockIds[node.numBlocks - 1]],
                    node + " has a referenced block but an unreferenced last block");
            sumBlocks += node.numBlocks;
            if (node.lockRef == 0) {
                sumEvictable += node.numBlocks;
            }
            check(node.lockRef >= 0, node + " has a negative lockRef");
        }
        for (Map.Entry<RadixNode, int[]> entry : childStats.entrySet()) {
            RadixNode node = entry.getKey();
            int[] stats = entry.getValue();
            check(stats[0] == node.numChildren, node + " counts " + node.numChildren + " children, has " + stats[0]);
            if (node.isRoot()) {
                check(node.numChildren > 0, "root " + node + " has no children");
                continue;
            }
            check(node.lockRef == node.numReferenced + stats[1], node + " lockRef is not its subtree's referenced blocks");
            boolean shouldBeInHeap = node.isLeaf() && node.lockRef == 0;
            check(shouldBeInHeap == heap.contains(node), node + (shouldBeInHeap ? " is missing from" : " should not be in")
                    + " the heap");
            numHeapLeaves += shouldBeInHeap ? 1 : 0;
        }
        check(numHeapLeaves == heap.size(), "heap holds " + heap.size() + " nodes, " + numHeapLeaves + " evictable leaves");
        heap.checkInvariants();
        check(nodes.size() == numNodes, "numNodes " + numNodes + ", tree has " + nodes.size());
        check(sumBlocks == numCached, "numCached " + numCached + ", tree holds " + sumBlocks);
        check(sumEvictable == numEvictable, "numEvictable " + numEvictable + ", tree has " + sumEvictable);
        int numHeld = 0;
        for (RadixNode node : blockNode) {
            numHeld += node == null ? 0 : 1;
        }
        check(numHeld == numCached, numHeld + " blocks located, numCached " + numCached);
    }

    private void fixBlockSize(int blockSize) {
        this.blockSize = PrefixIndexArgs.fixBlockSize(this.blockSize, blockSize);
        if (children == null) {
            children = new ChildTable(blockSize);
        }
    }

    /**
     * Follows {@code tokens}' full blocks down the salt's tree, writing the cached block ids to {@code out};
     * returns how many matched. With {@code touch}, every node reached counts as used.
     */
    private int walk(int[] tokens, int numFullBlocks, long salt, int[] out, boolean touch) {
        RadixNode node = roots.get(salt);
        if (node == null) {
            return 0;
        }
        long now = touch ? ++clock : 0;
        int i = 0;
        while (i < numFullBlocks) {
            RadixNode child = children.find(node, tokens, i * blockSize);
            if (child == null) {
                break;
            }
            int numMatched = matchEdge(child, tokens, i, numFullBlocks);
            System.arraycopy(child.blockIds, 0, out, i, numMatched);
            if (touch) {
                touch(child, now, true);
            }
            i += numMatched;
            if (numMatched < child.numBlocks) {
                break;
            }
            node = child;
        }
        return i;
    }

    /** Blocks of {@code node} equal to the blocks from {@code tokens}' block {@code from} on; the first is known equal. */
    private int matchEdge(RadixNode node, int[] tokens, int from, int numBlocks) {
        int m = 1;
        while (m < node.numBlocks && from + m < numBlocks
                && Arrays.equals(node.tokens, m * blockSize, (m + 1) * blockSize,
                        tokens, (from + m) * blockSize, (from + m + 1) * blockSize)) {
            m++;
        }
        return m;
    }

    private void touch(RadixNode node, long now, boolean hit) {
        node.lastAccess = now;
        if (hit) {
            node.hitCount++;
        }
        if (node.heapIndex >= 0) {
            heap.update(node);
        }
    }

    private void addLeaf(RadixNode parent, int[] tokens, int from, int numBlocks, int[] blockIds, long now) {
        int n = numBlocks - from;
        RadixNode leaf = new RadixNode(nextSerial++, parent.salt, parent,
                Arrays.copyOfRange(tokens, from * blockSize, numBlocks * blockSize),
                Arrays.copyOfRange(blockIds, from, numBlocks), n);
        leaf.lastAccess = now;
        leaf.numReferenced = n;
        leaf.lockRef = n;
        for (int j = 0; j < n; j++) {
            int blockId = leaf.blockIds[j];
            ensureCapacity(blockId);
            blockNode[blockId] = leaf;
            blockOffset[blockId] = j;
            referenced[blockId] = true;
        }
        children.add(leaf);
        parent.numChildren++;
        numNodes++;
        numCached += n;
        for (RadixNode p = parent; !p.isRoot(); p = p.parent) {
            if (p.lockRef == 0) {
                numEvictable -= p.numBlocks;
                if (p.heapIndex >= 0) {
                    heap.remove(p);
                }
            }
            p.lockRef += n;
        }
    }

    /**
     * Splits {@code node} before its block {@code at} for a sequence that diverges there, and returns the node
     * that now ends with block {@code at - 1} (where the divergent branch goes).
     */
    private RadixNode split(RadixNode node, int at) {
        RadixNode prefix = cut(node, at);
        if (prefix.numReferenced > 0 && !referenced[prefix.blockIds[prefix.numBlocks - 1]]) {
            cut(prefix, lastReferencedOffset(prefix) + 1);
        }
        return prefix;
    }

    /**
     * Moves blocks {@code [0, at)} of {@code node} into a new parent node, which takes the node's place in the
     * tree; {@code node} keeps the rest and its children. Returns the new parent.
     */
    private RadixNode cut(RadixNode node, int at) {
        assert at > 0 && at < node.numBlocks : "cut at " + at + " of " + node;
        children.remove(node);
        RadixNode prefix = new RadixNode(nextSerial++, node.salt, node.parent,
                Arrays.copyOf(node.tokens, at * blockSize), Arrays.copyOf(node.blockIds, at), at);
        int numRest = node.numBlocks - at;
        node.tokens = Arrays.copyOfRange(node.tokens, at * blockSize, node.numBlocks * blockSize);
        node.blockIds = Arrays.copyOfRange(node.blockIds, at, node.numBlocks);
        node.numBlocks = numRest;
        node.parent = prefix;
        prefix.numChildren = 1;
        prefix.lastAccess = node.lastAccess;
        prefix.hitCount = node.hitCount;
        int numReferenced = 0;
        for (int j = 0; j < at; j++) {
            int blockId = prefix.blockIds[j];
            blockNode[blockId] = prefix;
            numReferenced += referenced[blockId] ? 1 : 0;
        }
        for (int j = 0; j < numRest; j++) {
            blockOffset[node.blockIds[j]] = j;
        }
        prefix.numReferenced = numReferenced;
        prefix.lockRef = node.lockRef;
        node.numReferenced -= numReferenced;
        node.lockRef -= numReferenced;
        children.add(prefix);
        children.add(node);
        numNodes++;
        if (prefix.lockRef > 0 && node.lockRef == 0) {
            // The rest was protected only by the references now in the prefix.
            numEvictable += numRest;
            if (node.isLeaf()) {
                heap.add(node);
            }
        }
        return prefix;
    }

    private void removeLeaf(RadixNode leaf) {
        heap.remove(leaf);
        children.remove(leaf);
        numNodes--;
        RadixNode parent = leaf.parent;
        parent.numChildren--;
        if (parent.isRoot()) {
            if (parent.numChildren == 0) {
                roots.remove(parent.salt);
            }
        } else if (parent.isLeaf() && parent.lockRef == 0) {
            heap.add(parent);
        }
    }

    private int lastReferencedOffset(RadixNode node) {
        for (int j = node.numBlocks - 1; j >= 0; j--) {
            if (referenced[node.blockIds[j]]) {
                return j;
            }
        }
        throw new AssertionError(node + " has no referenced block");
    }

    private boolean isHeld(int blockId) {
        return blockId < blockNode.length && blockNode[blockId] != null;
    }

    private void ensureCapacity(int blockId) {
        if (blockId < blockNode.length) {
            return;
        }
        int capacity = Math.max(blockId + 1, 2 * blockNode.length);
        blockNode = Arrays.copyOf(blockNode, capacity);
        blockOffset = Arrays.copyOf(blockOffset, capacity);
        referenced = Arrays.copyOf(referenced, capacity);
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
