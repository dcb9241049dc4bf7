package io.kvasir.gateway.engine;

import io.kvasir.engine.gguf.ModelPathPolicy;
import io.kvasir.engine.loop.CacheProfile;
import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.loop.EngineConfig;
import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.engine.model.synth.EmbeddedModel;
import io.kvasir.engine.plugin.PluginRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models this gateway serves, by the name clients put in {@code model}. Model files are resolved through a
 * {@link ModelPathPolicy} over the configured directories before they are opened (RELIABILITY.md item 4).
 */
public final class ModelCatalog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);

    private final ModelPathPolicy pathPolicy;
    private final PluginRegistry plugins;
    private final Map<String, ModelEngine> engines = new ConcurrentHashMap<>();

    public ModelCatalog(ModelPathPolicy pathPolicy, PluginRegistry plugins) {
        this.pathPolicy = pathPolicy;
        this.plugins = plugins;
    }

    /** Builds the catalog the properties describe, loading each model; no models configured: the embedded one. */
    public static ModelCatalog fromProperties(ModelProperties properties, PluginRegistry plugins) {
        List<ModelProperties.Model> models = properties.models();
        List<Path> dirs = new ArrayList<>(properties.modelDirs());
        if (models.isEmpty()) {
            Path embedded = ensureEmbeddedModel();
            dirs.add(embedded.getParent());
            models = List.of(ModelProperties.Model.ofFile(embedded.toString()));
        } else if (dirs.isEmpty()) {
            dirs.add(EmbeddedModel.home().resolve("models"));
        }
        ModelCatalog catalog = new ModelCatalog(ModelPathPolicy.of(dirs), plugins);
        try {
            models.forEach(catalog::load);
        } catch (RuntimeException e) {
            catalog.close();
            throw e;
        }
        return catalog;
    }

    private static Path ensureEmbeddedModel() {
        try {
            return EmbeddedModel.ensure();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the embedded default model", e);
        }
    }

    /**
     * Loads and starts a model.
     *
     * @throws io.kvasir.engine.gguf.ModelPathException when the file is outside the model directories
     * @throws io.kvasir.engine.gguf.GgufFormatException when the file is not a valid model
     * @throws IllegalStateException when a model of that name is already served
     */
    public ModelEngine load(ModelProperties.Model spec) {
        Path file = pathPolicy.resolve(spec.file());
        LoadedModel model;
        try {
            model = LoadedModel.load(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model " + file, e);
        }
        String name = spec.servedName(file);
        ModelEngine served;
        try {
            Engine engine = Engine.start(model, engineConfig(spec, model), plugins);
            served = new InProcessModelEngine(name, model, engine);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        add(served);
        log.info("serving model {} from {} ({} tokens of context)", name, file, served.info().contextLength());
        return served;
    }

    /**
     * Serves an engine built elsewhere (a remote worker, a decorated engine) under its {@link ModelEngine#name()};
     * the catalog owns it from now on.
     *
     * @throws IllegalStateException when a model of that name is already served (the engine is closed)
     */
    public void add(ModelEngine engine) {
        if (engines.putIfAbsent(engine.name(), engine) != null) {
            engine.close();
            throw new IllegalStateException("a model named " + engine.name() + " is already served");
        }
    }

    static EngineConfig engineConfig(ModelProperties.Model spec, LoadedModel model) {
        int threads = spec.threads() > 0 ? spec.threads() : Runtime.getRuntime().availableProcessors();
        int context = spec.contextLength() > 0 ? Math.min(spec.contextLength(), model.config().contextLength())
                : model.config().contextLength();
        CacheProfile profile = CacheProfile.defaults()
                .withScheduling(StrategyChoice.of(spec.scheduling()))
                .withPrefixIndex(StrategyChoice.of(spec.prefixIndex()))
                .withCodec(StrategyChoice.of(spec.codec()));
        return EngineConfig.defaults().withNumThreads(threads).withBlockSize(spec.blockSize())
                .withKvCacheBytes(spec.kvCacheMemory().toBytes()).withMaxBatchTokens(spec.maxBatchTokens())
                .withMaxRunningRequests(spec.maxRunningRequests()).withMaxWaitingRequests(spec.maxWaitingRequests())
                .withMaxContextTokens(context).withCacheProfile(profile);
    }

    /** The model clients call {@code name}, if served. */
    public Optional<ModelEngine> find(String name) {
        return Optional.ofNullable(engines.get(name));
    }

    /** Every served model. */
    public Collection<ModelEngine> all() {
        return List.copyOf(engines.values());
    }

    /** Stops serving a model and frees its engine. */
    public boolean unload(String name) {
        ModelEngine removed = engines.remove(name);
        if (removed != null) {
            removed.close();
        }
        return removed != null;
    }

    @Override
    public void close() {
        engines.keySet().forEach(this::unload);
    }
}
