package io.kvasir.plugins.codec;

import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.KvCodecProvider;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.plugins.codec.internal.FixedCodec;
import io.kvasir.plugins.codec.internal.Int8Layout;

/** The {@code int8} KV codec: Symmetric int8 with one f32 scale per token and head (absmax / 127), about 1.06 bytes per element at head size 64. No configuration. */
public final class Int8CodecProvider implements KvCodecProvider {

    public static final String NAME = "int8";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Symmetric int8 with one f32 scale per token and head (absmax / 127), about 1.06 bytes per element at head size 64.";
    }

    @Override
    public ConfigSchema configSchema() {
        return ConfigSchema.empty();
    }

    @Override
    public KvCodec create(PluginConfig config) {
        return new FixedCodec(NAME, Int8Layout::new);
    }
}
