package io.kvasir.plugins.scheduling;

import java.util.List;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.InvalidConfigException;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.plugins.scheduling.internal.VirtualTokenCounterPolicy;

/** The configuration fields {@code vtc} and {@code vtc-kv} share, and the check the schema cannot express. */
final class VtcConfig {

    static final String INPUT_WEIGHT = "input_weight";
    static final String OUTPUT_WEIGHT = "output_weight";
    static final String KV_WEIGHT = "kv_weight";

    static final ConfigField INPUT_WEIGHT_FIELD = ConfigField.decimal(INPUT_WEIGHT, 1.0, 0, 1e6, "service per prompt token",
            "Service charged for each prompt token computed (the paper's w_p).");
    static final ConfigField OUTPUT_WEIGHT_FIELD = ConfigField.decimal(OUTPUT_WEIGHT, 2.0, 0, 1e6, "service per generated token",
            "Service charged for each generated token (the paper's w_q); decoding costs more per token than prefill.");

    private VtcConfig() {
    }

    static VirtualTokenCounterPolicy create(PluginConfig config, double kvWeight) {
        double inputWeight = config.getDouble(INPUT_WEIGHT);
        double outputWeight = config.getDouble(OUTPUT_WEIGHT);
        if (inputWeight == 0 && outputWeight == 0 && kvWeight == 0) {
            throw new InvalidConfigException(List.of(INPUT_WEIGHT + ", " + OUTPUT_WEIGHT
                    + (config.asMap().containsKey(KV_WEIGHT) ? ", " + KV_WEIGHT : "")
                    + ": all 0, so no service would be counted; make at least one positive"));
        }
        return new VirtualTokenCounterPolicy(inputWeight, outputWeight, kvWeight);
    }
}
