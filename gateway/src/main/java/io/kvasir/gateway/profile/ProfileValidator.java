package io.kvasir.gateway.profile;

import io.kvasir.api.plugin.InvalidConfigException;
import io.kvasir.api.plugin.PluginProvider;
import io.kvasir.engine.gguf.ModelPathException;
import io.kvasir.engine.gguf.ModelPathPolicy;
import io.kvasir.engine.loop.CacheProfile;
import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.engine.plugin.PluginStatus;
import io.kvasir.engine.plugin.UnknownPluginException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Checks a profile before anything is started: the model file against the model directories (never opened
 * here), the backend, every plugin name against the registry and every plugin configuration against its
 * provider's schema, the rules between plugins, and the ranges of the numbers. Reports every problem at once.
 *
 * <p>What only the model file can tell (whether the KV memory holds one full context of this model with this
 * codec) is checked when an engine instance starts from the profile.
 *
 * <p>Thread-safe; the registry and path policy are.
 */
public final class ProfileValidator {

    /** The backends a profile may name. */
    public static final List<String> BACKENDS = List.of(ModelProfile.CPU);

    /** The largest block and thread counts an engine takes. */
    private static final int MAX_BLOCK_SIZE = 1024;
    private static final int MAX_THREADS = 1024;

    private final PluginRegistry plugins;
    private final ModelPathPolicy modelPaths;

    public ProfileValidator(PluginRegistry plugins, ModelPathPolicy modelPaths) {
        this.plugins = plugins;
        this.modelPaths = modelPaths;
    }

    /** Every problem of a profile; empty when it is valid. */
    public List<ProfileProblem> problems(ModelProfile profile) {
        return inspect(profile).problems();
    }

    /**
     * The profile with every plugin configuration completed with its defaults, so that two profiles meaning the
     * same compare equal.
     *
     * @throws InvalidProfileException listing every problem
     */
    public ModelProfile check(ModelProfile profile) {
        Inspection inspection = inspect(profile);
        if (!inspection.problems().isEmpty()) {
            throw new InvalidProfileException(inspection.problems());
        }
        return inspection.normalized();
    }

    private Inspection inspect(ModelProfile profile) {
        List<ProfileProblem> problems = new ArrayList<>();
        checkModelFile(profile.modelFile(), problems);
        if (!BACKENDS.contains(profile.backend())) {
            problems.add(new ProfileProblem("backend", "unknown backend '" + profile.backend() + "' (known: "
                    + String.join(", ", BACKENDS) + ")"));
        }
        CacheProfile normalized = profile.plugins();
        for (PluginSlot slot : PluginSlot.values()) {
            StrategyChoice choice = checkPlugin(slot, slot.choice(profile.plugins()), problems);
            if (choice != null) {
                normalized = slot.with(normalized, choice);
            }
        }
        StrategyChoice eviction = profile.plugins().eviction();
        StrategyChoice prefixIndex = profile.plugins().prefixIndex();
        if (!StrategyChoice.NONE.equals(eviction.name()) && !prefixIndex.isNone()) {
            problems.add(new ProfileProblem("plugins.eviction", "eviction '" + eviction.name() + "' needs prefixIndex 'none' "
                    + "(evicting positions breaks the correspondence between a sequence's blocks and its token prefix)"));
        }
        checkRange("kvCacheBytes", profile.kvCacheBytes(), 1, Long.MAX_VALUE, problems);
        checkRange("blockSize", profile.blockSize(), 1, MAX_BLOCK_SIZE, problems);
        checkRange("maxBatchTokens", profile.maxBatchTokens(), 1, Integer.MAX_VALUE, problems);
        checkRange("maxRunningRequests", profile.maxRunningRequests(), 1, Integer.MAX_VALUE, problems);
        checkRange("maxWaitingRequests", profile.maxWaitingRequests(), 0, Integer.MAX_VALUE, problems);
        checkRange("threads", profile.threads(), 0, MAX_THREADS, problems);
        checkRange("contextLength", profile.contextLength(), 0, Integer.MAX_VALUE, problems);
        return new Inspection(List.copyOf(problems), profile.toBuilder().plugins(normalized).build());
    }

    private void checkModelFile(@Nullable String modelFile, List<ProfileProblem> problems) {
        if (modelFile == null || modelFile.isBlank()) {
            problems.add(new ProfileProblem("modelFile", "required: a GGUF file in the model directories"));
            return;
        }
        try {
            modelPaths.resolve(modelFile);
        } catch (ModelPathException e) {
            problems.add(new ProfileProblem("modelFile", e.getMessage()));
        }
    }

    /** The choice with its configuration completed, or null after adding its problems. */
    private @Nullable StrategyChoice checkPlugin(PluginSlot slot, @Nullable StrategyChoice choice, List<ProfileProblem> problems) {
        String field = "plugins." + slot.field();
        List<String> known = knownNames(slot);
        if (choice == null || choice.name() == null || choice.name().isBlank()) {
            problems.add(new ProfileProblem(field, "a " + slot.kind().id() + " plugin is required (known: "
                    + String.join(", ", known) + ")"));
            return null;
        }
        if (slot.noneWithoutProvider() && choice.isNone()) {
            if (!choice.config().isEmpty()) {
                problems.add(new ProfileProblem(field + ".config", "'none' takes no configuration, got " + choice.config().keySet()));
                return null;
            }
            return choice;
        }
        PluginProvider<?> provider;
        try {
            provider = plugins.provider(slot.kind(), choice.name());
        } catch (UnknownPluginException e) {
            problems.add(new ProfileProblem(field, new UnknownPluginException(slot.kind(), choice.name(), known,
                    failureOf(slot, choice.name())).getMessage()));
            return null;
        }
        try {
            return StrategyChoice.of(choice.name(), provider.configSchema().validate(choice.config()).asMap());
        } catch (InvalidConfigException e) {
            for (String problem : e.problems()) {
                int colon = problem.indexOf(": ");
                problems.add(colon < 0 ? new ProfileProblem(field + ".config", problem)
                        : new ProfileProblem(field + ".config." + problem.substring(0, colon), problem.substring(colon + 2)));
            }
            return null;
        }
    }

    private List<String> knownNames(PluginSlot slot) {
        List<String> known = new ArrayList<>(plugins.names(slot.kind()));
        if (slot.noneWithoutProvider()) {
            known.add(StrategyChoice.NONE);
        }
        return known;
    }

    private @Nullable String failureOf(PluginSlot slot, String name) {
        for (PluginStatus status : plugins.statuses(slot.kind())) {
            if (status.name().equals(name) && status.state() == PluginStatus.State.FAILED) {
                return status.failure();
            }
        }
        return null;
    }

    private static void checkRange(String field, long value, long min, long max, List<ProfileProblem> problems) {
        if (value < min || value > max) {
            String range = max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "at least " + min : "in " + min + ".." + max;
            problems.add(new ProfileProblem(field, "must be " + range + ", got " + value));
        }
    }

    private record Inspection(List<ProfileProblem> problems, ModelProfile normalized) {
    }
}
