package io.kvasir.plugins.codec;

import java.util.List;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.InvalidConfigException;
import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.KvCodecProvider;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.plugins.codec.internal.FixedCodec;
import io.kvasir.plugins.codec.internal.Int4KiviLayout;

/**
 * The {@code int4-kivi} KV codec (KIVI, Liu et al. 2024): keys quantised to 4 bits per channel over each block,
 * values per token (one-byte scale and zero point); a block's keys stay in full precision in its staging, outside the
 * block, until the block is full.
 *
 * <p>Configuration: {@code value_group_size} (default 0: one scale and zero point per value vector; else a multiple
 * of 32 channels sharing them).
 */
public final class Int4KiviCodecProvider implements KvCodecProvider {

    public static final String NAME = "int4-kivi";
    public static final String VALUE_GROUP_SIZE = "value_group_size";

    private static final ConfigSchema SCHEMA = ConfigSchema.of(ConfigField.integer(VALUE_GROUP_SIZE, 0, 0, 4096,
            "channels", "Channels of a value vector sharing one scale and zero point: 0 for the whole vector "
                    + "(the least memory), or a multiple of 32 (KIVI's 32 is closer, at 2 bytes per group and token)."));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "KIVI 4-bit: keys per channel over each block (kept in f32 outside the block until it fills), values "
                + "per token; 0.75 bytes per element at head size 8, 0.64 at 64: 5.3x and 6.2x less than f32.";
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    @Override
    public KvCodec create(PluginConfig config) {
        int valueGroupSize = config.getInt(VALUE_GROUP_SIZE);
        if (valueGroupSize % 32 != 0) {
            throw new InvalidConfigException(List.of(VALUE_GROUP_SIZE + ": must be 0 or a multiple of 32, got "
                    + valueGroupSize));
        }
        return new FixedCodec(NAME, (blockSize, headDim) -> new Int4KiviLayout(blockSize, headDim, valueGroupSize));
    }
}
