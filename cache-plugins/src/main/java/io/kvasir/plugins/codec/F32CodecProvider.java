package io.kvasir.plugins.codec;

import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.KvCodecProvider;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.plugins.codec.internal.FixedCodec;
import io.kvasir.plugins.codec.internal.F32Layout;

/** The {@code f32} KV codec: full-precision floats, 4 bytes per element, the exact reference. No configuration. */
public final class F32CodecProvider implements KvCodecProvider {

    public static final String NAME = "f32";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Full-precision floats, 4 bytes per element, the exact reference.";
    }

    @Override
    public ConfigSchema configSchema() {
        return ConfigSchema.empty();
    }

    @Override
    public KvCodec create(PluginConfig config) {
        return new FixedCodec(NAME, F32Layout::new);
    }
}
