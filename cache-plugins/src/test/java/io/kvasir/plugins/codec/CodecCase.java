package io.kvasir.plugins.codec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.KvCodecProvider;

/** A codec as the engine would get it (found by name through the ServiceLoader, configured), for tests. */
record CodecCase(String label, KvCodec codec) {

    static CodecCase of(String name, Map<String, ?> config) {
        for (KvCodecProvider provider : ServiceLoader.load(KvCodecProvider.class)) {
            if (provider.name().equals(name)) {
                String label = config.isEmpty() ? name : name + config;
                return new CodecCase(label, provider.create(provider.configSchema().validate(config)));
            }
        }
        throw new IllegalArgumentException("no codec " + name);
    }

    /** Every codec with its default configuration, and the non-default configurations worth covering. */
    static List<CodecCase> all() {
        List<CodecCase> cases = new ArrayList<>();
        for (String name : List.of("f32", "f16", "int8", "fp8-e4m3", "int4-kivi")) {
            cases.add(of(name, Map.of()));
        }
        Map<String, Object> grouped = new HashMap<>();
        grouped.put(Int4KiviCodecProvider.VALUE_GROUP_SIZE, 32);
        cases.add(of("int4-kivi", grouped));
        return cases;
    }

    String name() {
        return codec.name();
    }

    @Override
    public String toString() {
        return label;
    }
}
