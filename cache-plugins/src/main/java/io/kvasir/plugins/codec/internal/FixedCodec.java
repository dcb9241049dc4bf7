package io.kvasir.plugins.codec.internal;

import io.kvasir.api.plugin.KvBlockLayout;
import io.kvasir.api.plugin.KvCodec;

/** A codec whose layouts depend on the block shape only (its configuration is already bound). */
public final class FixedCodec implements KvCodec {

    /** Builds the layout of one (block, KV head) region. */
    @FunctionalInterface
    public interface LayoutFactory {
        KvBlockLayout create(int blockSize, int headDim);
    }

    private final String name;
    private final LayoutFactory factory;

    public FixedCodec(String name, LayoutFactory factory) {
        this.name = name;
        this.factory = factory;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public KvBlockLayout layout(int blockSize, int headDim) {
        return factory.create(blockSize, headDim);
    }

    @Override
    public String toString() {
        return "KvCodec[" + name + "]";
    }
}
