package io.kvasir.plugins.tier.disk;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.InvalidConfigException;
import io.kvasir.api.plugin.OffloadTier;
import io.kvasir.api.plugin.OffloadTierProvider;
import io.kvasir.api.plugin.PluginConfig;

/** The {@code disk} offload tier: one checksummed data file on local disk (see {@link DiskOffloadTier}). */
public final class DiskOffloadTierProvider implements OffloadTierProvider {

    /** The provider's name. */
    public static final String NAME = "disk";

    /** Default budget: 8 GiB. */
    public static final long DEFAULT_CAPACITY_BYTES = 8L << 30;

    private static final ConfigSchema SCHEMA = ConfigSchema.of(
            ConfigField.string("directory", "",
                    "Directory for the tier's files (each tier makes its own kvasir-offload-* subdirectory and deletes it "
                            + "when the model stops); empty means java.io.tmpdir. Prefer a local SSD."),
            ConfigField.longValue("capacity_bytes", DEFAULT_CAPACITY_BYTES, 1, DiskOffloadTier.MAX_CAPACITY_BYTES, "bytes",
                    "Disk space the tier's records may take; the data file grows as it fills, never past this."));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Keeps swapped-out and spilled KV blocks in a file on local disk under a byte budget, each record "
                + "checked by CRC32C on the way back.";
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    /**
     * @throws InvalidConfigException when {@code directory} is not a path of a writable directory (or one that
     *     can be created)
     */
    @Override
    public OffloadTier create(PluginConfig config) {
        String configured = config.getString("directory");
        Path parent;
        try {
            parent = Path.of(configured.isBlank() ? System.getProperty("java.io.tmpdir") : configured);
        } catch (InvalidPathException e) {
            throw new InvalidConfigException(List.of("directory: not a valid path: " + e.getMessage()));
        }
        try {
            return DiskOffloadTier.create(parent, config.getLong("capacity_bytes"));
        } catch (IOException | SecurityException e) {
            throw new InvalidConfigException(List.of("directory: " + parent.toAbsolutePath()
                    + " is not a writable directory (" + e + ")"));
        }
    }
}
