package io.kvasir.gateway.engine;

import io.kvasir.engine.gguf.ModelPathPolicy;
import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.gateway.profile.ModelProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Starts engine instances from profiles: resolves the model file through the model directories, shares the
 * mapped file with other instances of it ({@link SharedModels}), and starts an {@link Engine} with the profile's
 * configuration. Thread-safe.
 */
public final class EngineLauncher {

    private final ModelPathPolicy modelPaths;
    private final PluginRegistry plugins;
    private final SharedModels models;

    public EngineLauncher(ModelPathPolicy modelPaths, PluginRegistry plugins, SharedModels models) {
        this.modelPaths = modelPaths;
        this.plugins = plugins;
        this.models = models;
    }

    /**
     * Starts an instance serving {@code profile} under {@code name}.
     *
     * @throws io.kvasir.engine.gguf.ModelPathException when the file is outside the model directories
     * @throws io.kvasir.engine.gguf.GgufFormatException when the file is not a valid model
     * @throws UncheckedIOException when it cannot be read
     * @throws IllegalArgumentException when the engine refuses the configuration (a KV memory too small for one
     *         full context, an unknown plugin, a bad plugin configuration)
     */
    public InProcessModelEngine launch(String name, ModelProfile profile) {
        Path file = modelPaths.resolve(profile.modelFile());
        SharedModels.Lease lease;
        try {
            lease = models.lease(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model " + file, e);
        }
        try {
            LoadedModel model = lease.model();
            Engine engine = Engine.start(model, profile.toEngineConfig(model.config().contextLength()), plugins);
            return new InProcessModelEngine(name, engine, lease);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }
}
