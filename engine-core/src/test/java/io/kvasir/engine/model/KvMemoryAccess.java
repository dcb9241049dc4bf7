package io.kvasir.engine.model;

/**
 * Lets tests outside this package write and read one token of a {@link PagedKvMemory} the way the forward pass and
 * compaction do (every KV head at once, staging rules applied), without making those methods public.
 */
public final class KvMemoryAccess {

    private KvMemoryAccess() {
    }

    /**
     * Writes a token's K and V of every KV head ({@code numKvHeads × headDim} floats each) into a slot, and returns a
     * block it sealed to the pool at once, as the end of a forward step would.
     */
    public static void write(PagedKvMemory kv, int layer, int block, int slot, float[] k, float[] v) {
        kv.writeToken(layer, block, slot, k, 0, v, 0);
        kv.releaseSealed();
    }

    /**
     * Token {@code token}'s K (or, with {@code value}, V) of every KV head in a layer, {@code kvDim} distinct floats,
     * exact in f32: what the staging tests write and expect back.
     */
    public static float[] vectors(int token, int layer, int kvDim, boolean value) {
        float[] x = new float[kvDim];
        for (int i = 0; i < kvDim; i++) {
            x[i] = token * 1000 + layer * 100 + i + (value ? 0.5f : 0f);
        }
        return x;
    }

    /** Reads a slot's K and V of every KV head, through the block's staging while it is open. */
    public static void read(PagedKvMemory kv, int layer, int block, int slot, float[] k, float[] v) {
        kv.readToken(layer, block, slot, k, 0, v, 0);
    }
}
