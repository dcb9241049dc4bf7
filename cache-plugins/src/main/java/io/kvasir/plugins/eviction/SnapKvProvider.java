package io.kvasir.plugins.eviction;

import java.util.ArrayList;
import java.util.List;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.EvictionPolicy;
import io.kvasir.api.plugin.EvictionPolicyProvider;
import io.kvasir.api.plugin.InvalidConfigException;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.plugins.eviction.internal.EvictionBudget;
import io.kvasir.plugins.eviction.internal.SnapKvPolicy;

/** {@code snapkv}: SnapKV, prompt positions chosen once by the attention of the prompt's last tokens. */
public final class SnapKvProvider implements EvictionPolicyProvider {

    public static final String NAME = "snapkv";
    public static final String WINDOW = "window";
    public static final String KERNEL_SIZE = "kernel_size";
    public static final String POOLING = "pooling";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "SnapKV: at the end of prefill keeps the prompt positions the last prompt tokens attend to most "
                + "(smoothed by pooling) plus those last tokens; during decode keeps them and the newest positions.";
    }

    @Override
    public ConfigSchema configSchema() {
        List<ConfigField> fields = new ArrayList<>(EvictionBudget.configFields());
        fields.add(ConfigField.integer(WINDOW, 32, 1, 4096, "tokens",
                "Last prompt tokens whose attention is observed; they are always kept at the end of prefill."));
        fields.add(ConfigField.integer(KERNEL_SIZE, 7, 1, 63, "tokens",
                "Width of the pooling that smooths scores so neighbours of important positions stay; odd, 1 turns it off."));
        fields.add(ConfigField.choice(POOLING, "avg", List.of("avg", "max"),
                "Average pooling (SnapKV's default) or max pooling."));
        return new ConfigSchema(fields);
    }

    @Override
    public EvictionPolicy create(PluginConfig config) {
        int kernelSize = config.getInt(KERNEL_SIZE);
        // The schema has no parity constraint, so this one check happens here.
        if (kernelSize % 2 == 0) {
            throw new InvalidConfigException(List.of(KERNEL_SIZE + ": must be odd so the kernel centres on a slot, got " + kernelSize));
        }
        SnapKvPolicy.Pooling pooling = config.getString(POOLING).equals("max") ? SnapKvPolicy.Pooling.MAX : SnapKvPolicy.Pooling.AVG;
        return new SnapKvPolicy(EvictionBudget.fromConfig(config), config.getInt(WINDOW), kernelSize, pooling);
    }
}
