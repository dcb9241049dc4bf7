package io.kvasir.springai.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.loop.EngineConfig;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.engine.plugin.PluginRegistry;

/**
 * An engine and the model file it serves, owned together: {@link #close()} stops the engine (requests still
 * running end as cancelled, KV memory and worker threads are released) and then unmaps the model; closing
 * again does nothing.
 */
public final class KvasirEmbeddedEngine implements AutoCloseable {

    private final LoadedModel model;
    private final Engine engine;
    private final AtomicBoolean closed = new AtomicBoolean();

    private KvasirEmbeddedEngine(LoadedModel model, Engine engine) {
        this.model = model;
        this.engine = engine;
    }

    /**
     * Loads a GGUF model and starts an engine over it.
     *
     * @throws IOException when the file cannot be read
     * @throws io.kvasir.engine.gguf.GgufFormatException when it is not a supported model
     * @throws IllegalArgumentException when the configuration does not fit the model (the message says why)
     */
    public static KvasirEmbeddedEngine start(Path modelFile, EngineConfig config, PluginRegistry registry)
            throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(registry, "registry");
        LoadedModel model = LoadedModel.load(modelFile);
        try {
            return new KvasirEmbeddedEngine(model, Engine.start(model, config, registry));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public LoadedModel model() {
        return model;
    }

    public Engine engine() {
        return engine;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            engine.close();
        } finally {
            model.close();
        }
    }
}
