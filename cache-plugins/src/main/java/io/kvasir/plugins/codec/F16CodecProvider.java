package io.kvasir.plugins.codec;

import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.KvCodecProvider;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.plugins.codec.internal.FixedCodec;
import io.kvasir.plugins.codec.internal.F16Layout;

/** The {@code f16} KV codec: IEEE half precision, 2 bytes per element; values beyond ±65504 saturate. No configuration. */
public final class F16CodecProvider implements KvCodecProvider {

    public static final String NAME = "f16";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "IEEE half precision, 2 bytes per element; values beyond ±65504 saturate.";
    }

    @Override
    public ConfigSchema configSchema() {
        return ConfigSchema.empty();
    }

    @Override
    public KvCodec create(PluginConfig config) {
        return new FixedCodec(NAME, F16Layout::new);
    }
}
