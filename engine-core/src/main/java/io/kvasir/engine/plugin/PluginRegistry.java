package io.kvasir.engine.plugin;

import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.InvalidConfigException;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.api.plugin.PluginKind;
import io.kvasir.api.plugin.PluginProvider;

/**
 * The installed strategy providers per kind, found through {@link ServiceLoader}.
 *
 * <p>A provider that fails to load (a missing class, a constructor that throws, a blank or duplicate name)
 * is recorded as FAILED with the reason and left out; the others work. {@link #create} validates the
 * configuration against the provider's schema and reports an unknown name with the list of known ones.
 * More class loaders (a third-party jar) can be scanned at run time with {@link #scan(ClassLoader)}. A provider
 * whose plugin hung during an engine step is {@link #disable}d: FAILED with the reason, no longer created.
 * Thread-safe.
 */
public final class PluginRegistry {

    private final Map<PluginKind, Map<String, PluginProvider<?>>> providers = new EnumMap<>(PluginKind.class);
    private final Map<PluginKind, Map<String, PluginStatus>> statuses = new EnumMap<>(PluginKind.class);
    private final Map<String, AtomicLong> stepFailures = new ConcurrentHashMap<>();

    private PluginRegistry() {
        for (PluginKind kind : PluginKind.values()) {
            providers.put(kind, new LinkedHashMap<>());
            statuses.put(kind, new LinkedHashMap<>());
        }
    }

    /** A registry of what the class path holds. */
    public static PluginRegistry load() {
        PluginRegistry registry = new PluginRegistry();
        registry.scan(PluginRegistry.class.getClassLoader());
        return registry;
    }

    /** Adds the providers visible through {@code loader} (for example a URLClassLoader over a plugin jar). */
    public synchronized void scan(ClassLoader loader) {
        for (PluginKind kind : PluginKind.values()) {
            ServiceLoader<? extends PluginProvider<?>> serviceLoader = ServiceLoader.load(kind.providerType(), loader);
            var iterator = serviceLoader.stream().iterator();
            while (true) {
                ServiceLoader.Provider<? extends PluginProvider<?>> candidate;
                try {
                    if (!iterator.hasNext()) {
                        break;
                    }
                    candidate = iterator.next();
                } catch (ServiceConfigurationError e) {
                    recordFailure(kind, "(unloadable)", "?", e);
                    continue;
                }
                register(kind, candidate);
            }
        }
    }

    private void register(PluginKind kind, ServiceLoader.Provider<? extends PluginProvider<?>> candidate) {
        String className = candidate.type().getName();
        if (alreadyKnown(kind, className)) {
            return;
        }
        String source = sourceOf(candidate.type());
        PluginProvider<?> provider;
        String name;
        ConfigSchema schema;
        String description;
        try {
            provider = candidate.get();
            name = provider.name();
            description = provider.description();
            schema = provider.configSchema();
            if (name == null || !name.matches("[a-z0-9][a-z0-9._-]*")) {
                throw new IllegalStateException("name '" + name + "' is not a lowercase id");
            }
        } catch (Throwable e) {
            recordFailure(kind, className, source, e);
            return;
        }
        if (providers.get(kind).containsKey(name)) {
            statuses.get(kind).put(name + "@" + className, new PluginStatus(kind, name, description, schema, source,
                    PluginStatus.State.FAILED, "duplicate name '" + name + "' (already provided by "
                    + providers.get(kind).get(name).getClass().getName() + ")", 0));
            return;
        }
        providers.get(kind).put(name, provider);
        statuses.get(kind).put(name, new PluginStatus(kind, name, description, schema, source, PluginStatus.State.ACTIVE, null, 0));
    }

    private boolean alreadyKnown(PluginKind kind, String className) {
        for (PluginProvider<?> p : providers.get(kind).values()) {
            if (p.getClass().getName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    private void recordFailure(PluginKind kind, String name, String source, Throwable e) {
        StringBuilder reason = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            reason.append(" (caused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage()).append(')');
        }
        statuses.get(kind).put(name, new PluginStatus(kind, name, "failed to load", ConfigSchema.empty(), source,
                PluginStatus.State.FAILED, reason.toString(), 0));
    }

    private static String sourceOf(Class<?> type) {
        CodeSource codeSource = type.getProtectionDomain().getCodeSource();
        return codeSource == null || codeSource.getLocation() == null ? "(unknown)" : codeSource.getLocation().toString();
    }

    /** Every provider of a kind, failed ones included, in load order. */
    public synchronized List<PluginStatus> statuses(PluginKind kind) {
        List<PluginStatus> list = new ArrayList<>();
        for (PluginStatus status : statuses.get(kind).values()) {
            AtomicLong failures = stepFailures.get(kind.id() + "/" + status.name());
            list.add(failures == null ? status : new PluginStatus(status.kind(), status.name(), status.description(),
                    status.schema(), status.source(), status.state(), status.failure(), failures.get()));
        }
        return Collections.unmodifiableList(list);
    }

    /** Names of the usable providers of a kind. */
    public synchronized List<String> names(PluginKind kind) {
        return List.copyOf(providers.get(kind).keySet());
    }

    /**
     * The provider of a kind with this name.
     *
     * @throws UnknownPluginException listing the known names
     */
    public synchronized <P extends PluginProvider<?>> P provider(PluginKind kind, String name) {
        PluginProvider<?> provider = providers.get(kind).get(name);
        if (provider == null) {
            PluginStatus failed = statuses.get(kind).get(name);
            throw new UnknownPluginException(kind, name, names(kind), failed == null ? null : failed.failure());
        }
        @SuppressWarnings("unchecked")
        P typed = (P) provider;
        return typed;
    }

    /**
     * Validates {@code rawConfig} against the provider's schema and creates an instance.
     *
     * @throws UnknownPluginException for an unknown name
     * @throws io.kvasir.api.plugin.InvalidConfigException for bad values
     * @throws PluginFailureException when the provider throws while creating
     */
    public <T> T create(PluginKind kind, String name, Map<String, ?> rawConfig, Class<T> type) {
        PluginProvider<?> provider = provider(kind, name);
        PluginConfig config = provider.configSchema().validate(rawConfig);
        Object instance;
        try {
            instance = provider.create(config);
        } catch (InvalidConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PluginFailureException(kind, name, "failed to create: " + e.getMessage(), e);
        }
        return type.cast(instance);
    }

    /**
     * Marks a provider FAILED with {@code reason} (its plugin did not return in time during an engine step):
     * {@link #create} refuses it from then on, naming the reason. Instances already created are left to their
     * engines. A no-op for a name the registry does not know.
     */
    public synchronized void disable(PluginKind kind, String name, String reason) {
        PluginStatus status = statuses.get(kind).get(name);
        if (status == null) {
            return;
        }
        providers.get(kind).remove(name);
        statuses.get(kind).put(name, new PluginStatus(kind, name, status.description(), status.schema(), status.source(),
                PluginStatus.State.FAILED, reason, 0));
    }

    /** Counts a failure of a plugin during an engine step (shown in its status). */
    public void countStepFailure(PluginKind kind, String name) {
        stepFailures.computeIfAbsent(kind.id() + "/" + name, k -> new AtomicLong()).incrementAndGet();
    }
}
