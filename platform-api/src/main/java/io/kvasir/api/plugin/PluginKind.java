package io.kvasir.api.plugin;

/** The kinds of strategy an operator picks per model, each found through {@link java.util.ServiceLoader}. */
public enum PluginKind {

    /** How K and V are stored: f32, f16, int8, fp8, int4. */
    KV_CODEC("kv-codec", KvCodecProvider.class),
    /** How cached prompt prefixes are found again: hash chains or a radix tree. */
    PREFIX_INDEX("prefix-index", PrefixIndexProvider.class),
    /** Which positions of a long sequence are dropped: StreamingLLM, H2O, SnapKV. */
    EVICTION("eviction", EvictionPolicyProvider.class),
    /** What happens to a request whose blocks are taken back: recompute or swap. */
    PREEMPTION("preemption", PreemptionPolicyProvider.class),
    /** Where blocks go when they leave the KV pool: host memory, local disk. */
    OFFLOAD_TIER("offload-tier", OffloadTierProvider.class),
    /** Which waiting request runs next: FCFS, priority, longest prefix match, virtual token counter. */
    SCHEDULING("scheduling", SchedulingPolicyProvider.class);

    private final String id;
    private final Class<? extends PluginProvider<?>> providerType;

    PluginKind(String id, Class<? extends PluginProvider<?>> providerType) {
        this.id = id;
        this.providerType = providerType;
    }

    /** The kind's name in configuration and URLs, e.g. {@code kv-codec}. */
    public String id() {
        return id;
    }

    /** The provider interface registered in {@code META-INF/services}. */
    public Class<? extends PluginProvider<?>> providerType() {
        return providerType;
    }

    /** The kind with this id, or an exception listing the known ids. */
    public static PluginKind fromId(String id) {
        for (PluginKind kind : values()) {
            if (kind.id.equals(id)) {
                return kind;
            }
        }
        StringBuilder known = new StringBuilder();
        for (PluginKind kind : values()) {
            known.append(known.isEmpty() ? "" : ", ").append(kind.id);
        }
        throw new IllegalArgumentException("unknown plugin kind '" + id + "' (known: " + known + ")");
    }
}
