package io.kvasir.api.plugin;

/**
 * How K and V vectors are stored in KV blocks: a number format (f32, f16, int8, fp8, int4) and its
 * scales. The engine never decodes a whole cache: attention calls {@link KvBlockLayout#keyScores} and
 * {@link KvBlockLayout#accumulateValues} on the encoded bytes, block by block.
 */
public interface KvCodec {

    /** The codec's name (the provider's). */
    String name();

    /**
     * The byte layout of one (block, KV head) region holding {@code blockSize} tokens' K and V vectors of
     * {@code headDim} elements each.
     */
    KvBlockLayout layout(int blockSize, int headDim);
}
