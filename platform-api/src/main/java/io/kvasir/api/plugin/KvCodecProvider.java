package io.kvasir.api.plugin;

/** Registers a {@link KvCodec} in {@code META-INF/services/io.kvasir.api.plugin.KvCodecProvider}. */
public interface KvCodecProvider extends PluginProvider<KvCodec> {
}
