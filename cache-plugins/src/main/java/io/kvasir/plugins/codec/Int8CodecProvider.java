package io.kvasir.plugins.codec;

import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.KvCodecProvider;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.plugins.codec.internal.FixedCodec;
import io.kvasir.plugins.codec.internal.Int8Layout;

/**
 * The {@code int8} KV codec: int8 with per-channel parameters over each block (keys asymmetric with an f16 minimum,
 * values symmetric; one-byte scales), 1 + 2 / blockSize bytes per element (1.125 at block 16). No configuration.
 */
public final class Int8CodecProvider implements KvCodecProvider {

    public static final String NAME = "int8";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "int8 with per-channel scales over each block (keys asymmetric, as KIVI), 1.125 bytes per element at block 16: 3.56x less than f32.";
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
