package io.kvasir.gateway.engine;

import io.kvasir.engine.gguf.ModelPathPolicy;
import io.kvasir.engine.loop.CacheProfile;
import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.model.synth.EmbeddedModel;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.gateway.profile.InvalidProfileException;
import io.kvasir.gateway.profile.ModelProfile;
import io.kvasir.gateway.profile.ProfileValidator;
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
 * The models this gateway serves, by the name clients put in {@code model}, each a {@link ModelDeployment} whose
 * profile can change at run time. Model files are resolved through a {@link ModelPathPolicy} over the configured
 * directories before they are opened (RELIABILITY.md item 4), and mapped once however many engine instances
 * serve them.
 */
public final class ModelCatalog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);

    private final ModelPathPolicy pathPolicy;
    private final EngineLauncher launcher;
    private final ProfileValidator validator;
    private final GenerationObserver observer;
    /** Every served model; most are {@link ModelDeployment}s, others were {@link #add added} ready-made. */
    private final Map<String, ModelEngine> models = new ConcurrentHashMap<>();

    public ModelCatalog(ModelPathPolicy pathPolicy, PluginRegistry plugins) {
        this(pathPolicy, plugins, GenerationObserver.NONE);
    }

    /** A catalog whose deployments show every generation to {@code observer}. */
    public ModelCatalog(ModelPathPolicy pathPolicy, PluginRegistry plugins, GenerationObserver observer) {
        this.pathPolicy = pathPolicy;
        this.launcher = new EngineLauncher(pathPolicy, plugins, new SharedModels());
        this.validator = new ProfileValidator(plugins, pathPolicy);
        this.observer = observer;
    }

    /** Builds the catalog the properties describe, loading each model; no models configured: the embedded one. */
    public static ModelCatalog fromProperties(ModelProperties properties, PluginRegistry plugins) {
        return fromProperties(properties, plugins, GenerationObserver.NONE, ModelStartup.FROM_PROPERTIES);
    }

    /**
     * Builds the catalog the properties describe and lets {@code startup} deploy its models (no models configured:
     * the embedded one).
     */
    public static ModelCatalog fromProperties(ModelProperties properties, PluginRegistry plugins,
            GenerationObserver observer, ModelStartup startup) {
        List<ModelProperties.Model> models = properties.models();
        List<Path> dirs = new ArrayList<>(properties.modelDirs());
        if (models.isEmpty()) {
            Path embedded = ensureEmbeddedModel();
            dirs.add(embedded.getParent());
            models = List.of(ModelProperties.Model.ofFile(embedded.toString()));
        } else if (dirs.isEmpty()) {
            dirs.add(EmbeddedModel.home().resolve("models"));
        }
        ModelCatalog catalog = new ModelCatalog(ModelPathPolicy.of(dirs), plugins, observer);
        try {
            List<ModelStartup.ConfiguredModel> configured = models.stream()
                    .map(spec -> new ModelStartup.ConfiguredModel(spec.servedName(catalog.pathPolicy.resolve(spec.file())),
                            profileOf(spec)))
                    .toList();
            startup.startModels(catalog, configured);
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
     * Loads and starts a model as the properties describe it.
     *
     * @throws io.kvasir.engine.gguf.ModelPathException when the file is outside the model directories
     * @throws InvalidProfileException when a setting is invalid (every problem listed)
     * @throws io.kvasir.engine.gguf.GgufFormatException when the file is not a valid model
     * @throws IllegalStateException when a model of that name is already served
     */
    public ModelEngine load(ModelProperties.Model spec) {
        return deploy(spec.servedName(pathPolicy.resolve(spec.file())), profileOf(spec));
    }

    /**
     * Serves an engine built elsewhere (a remote worker, a decorated engine) under its {@link ModelEngine#name()};
     * the catalog owns it from now on.
     *
     * @throws IllegalStateException when a model of that name is already served (the engine is closed)
     */
    public void add(ModelEngine engine) {
        if (models.putIfAbsent(engine.name(), engine) != null) {
            engine.close();
            throw new IllegalStateException("a model named " + engine.name() + " is already served");
        }
    }

    /**
     * Starts serving a profile under {@code name}.
     *
     * @throws InvalidProfileException listing every problem of the profile
     * @throws IllegalStateException when a model of that name is already served
     */
    public ModelDeployment deploy(String name, ModelProfile profile) {
        if (models.containsKey(name)) {
            throw new IllegalStateException("a model named " + name + " is already served");
        }
        ModelDeployment deployment = ModelDeployment.start(name, profile, launcher::launch, validator, observer);
        if (models.putIfAbsent(name, deployment) != null) {
            deployment.close();
            throw new IllegalStateException("a model named " + name + " is already served");
        }
        log.info("serving model {} from {} ({} tokens of context)", name, profile.modelFile(), deployment.info().contextLength());
        return deployment;
    }

    /** The profile the properties of one model describe. */
    static ModelProfile profileOf(ModelProperties.Model spec) {
        CacheProfile plugins = CacheProfile.defaults()
                .withScheduling(StrategyChoice.of(spec.scheduling()))
                .withPrefixIndex(StrategyChoice.of(spec.prefixIndex()))
                .withCodec(StrategyChoice.of(spec.codec()));
        return ModelProfile.builder(spec.file()).plugins(plugins).threads(spec.threads())
                .kvCacheBytes(spec.kvCacheMemory().toBytes()).blockSize(spec.blockSize())
                .maxBatchTokens(spec.maxBatchTokens()).maxRunningRequests(spec.maxRunningRequests())
                .maxWaitingRequests(spec.maxWaitingRequests()).contextLength(spec.contextLength()).build();
    }

    /** Checks profiles against the model directories and the installed plugins. */
    public ProfileValidator validator() {
        return validator;
    }

    /** The deployment serving {@code name}, for profile changes. */
    public Optional<ModelDeployment> deployment(String name) {
        return models.get(name) instanceof ModelDeployment deployment ? Optional.of(deployment) : Optional.empty();
    }

    /** Every served model's deployment, by name (models {@link #add added} ready-made are not deployments). */
    public List<ModelDeployment> deployments() {
        return models.values().stream().filter(ModelDeployment.class::isInstance).map(ModelDeployment.class::cast)
                .sorted(java.util.Comparator.comparing(ModelDeployment::name)).toList();
    }

    /**
     * The name a model file is served under when none is given: its file name without {@code .gguf}.
     *
     * @throws io.kvasir.engine.gguf.ModelPathException when the file is outside the model directories
     */
    public String defaultName(String modelFile) {
        return ModelProperties.Model.ofFile(modelFile).servedName(pathPolicy.resolve(modelFile));
    }

    /** The model clients call {@code name}, if served. */
    public Optional<ModelEngine> find(String name) {
        return Optional.ofNullable(models.get(name));
    }

    /** Every served model. */
    public Collection<ModelEngine> all() {
        return List.copyOf(models.values());
    }

    /** Stops serving a model and frees its engine. */
    public boolean unload(String name) {
        ModelEngine removed = models.remove(name);
        if (removed != null) {
            removed.close();
        }
        return removed != null;
    }

    @Override
    public void close() {
        models.keySet().forEach(this::unload);
    }
}
