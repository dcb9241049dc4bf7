package io.kvasir.plugins.codec;

import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.KvCodecProvider;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.plugins.codec.internal.FixedCodec;
import io.kvasir.plugins.codec.internal.Fp8E4m3Layout;

/**
 * The {@code fp8-e4m3} KV codec: OCP FP8 E4M3 with one least-squared-error f32 scale per token and head, keys coded
 * as differences from the previous key, about 1.06 bytes per element at head size 64. No configuration.
 */
public final class Fp8E4m3CodecProvider implements KvCodecProvider {

    public static final String NAME = "fp8-e4m3";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "OCP FP8 E4M3 with one least-squared-error f32 scale per token and head; keys coded as differences from the previous key. About 1.06 bytes per element at head size 64.";
    }

    @Override
    public ConfigSchema configSchema() {
        return ConfigSchema.empty();
    }

    @Override
    public KvCodec create(PluginConfig config) {
        return new FixedCodec(NAME, Fp8E4m3Layout::new);
    }
}
