package io.kvasir.gateway.profile;

import io.kvasir.engine.loop.StrategyChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * What applying one profile over another changes, field by field, and what each change costs: {@link Effect#LIVE}
 * changes are installed in the running engine instance between two steps; one {@link Effect#DRAIN} change makes
 * the whole apply start a new instance, send new requests to it and let the old one finish its requests.
 *
 * <p>Compare profiles as {@link ProfileValidator#check} returns them (plugin configurations completed with their
 * defaults), or a configuration spelled out in full differs from the same one left to its defaults.
 *
 * @param changes one entry per changed field, in profile order
 */
public record ProfileDiff(List<Change> changes) {

    /** When a change takes effect. */
    public enum Effect {
        /** At the running instance's next engine step. */
        LIVE,
        /** In a new engine instance; the old one drains. */
        DRAIN
    }

    /**
     * One changed field.
     *
     * @param field the profile field: {@code blockSize}, {@code plugins.codec} (another plugin),
     *        {@code plugins.eviction.config.window} (the same plugin, another value)
     * @param before the value in effect, or null where the field was absent
     * @param after the value applied, or null where the field goes away
     * @param effect live or drain
     * @param reason why it takes that effect, for the operator
     */
    public record Change(String field, @Nullable Object before, @Nullable Object after, Effect effect, String reason) {
    }

    public ProfileDiff {
        changes = List.copyOf(changes);
    }

    /** The changes from {@code from} to {@code to} for an instance started with {@code from}. */
    public static ProfileDiff between(ModelProfile from, ModelProfile to) {
        return between(from, to, from);
    }

    /**
     * The changes from {@code from} (in effect now) to {@code to}, for an engine instance that was started with
     * {@code startedWith} and may since have had live changes: its step buffers are sized for the batching limits
     * it started with, so raising them past those needs a new instance, while lowering and raising them back does not.
     */
    public static ProfileDiff between(ModelProfile from, ModelProfile to, ModelProfile startedWith) {
        List<Change> changes = new ArrayList<>();
        drain(changes, "modelFile", from.modelFile(), to.modelFile(), "another model file");
        drain(changes, "backend", from.backend(), to.backend(), "another backend");
        for (PluginSlot slot : PluginSlot.values()) {
            plugin(changes, slot, slot.choice(from.plugins()), slot.choice(to.plugins()));
        }
        drain(changes, "kvCacheBytes", from.kvCacheBytes(), to.kvCacheBytes(), "resizes the KV pool");
        drain(changes, "blockSize", from.blockSize(), to.blockSize(), "reshapes the KV pool");
        boolean fits = to.liveConfig().fits(startedWith.liveConfig());
        String limits = fits ? "the step's budget and admission from the next step"
                : "beyond the step buffers the instance was started with (" + startedWith.maxBatchTokens()
                        + " tokens, " + startedWith.maxRunningRequests() + " requests)";
        limit(changes, "maxBatchTokens", from, to, ModelProfile::maxBatchTokens, fits, limits);
        limit(changes, "maxRunningRequests", from, to, ModelProfile::maxRunningRequests, fits, limits);
        limit(changes, "maxWaitingRequests", from, to, ModelProfile::maxWaitingRequests, true,
                "the queue limit for submissions from the next step");
        drain(changes, "threads", from.threads(), to.threads(), "the kernel worker pool is sized at start");
        drain(changes, "contextLength", from.contextLength(), to.contextLength(), "sizes the forward pass and block tables");
        return new ProfileDiff(changes);
    }

    /** No field changes: applying is a no-op. */
    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** Whether applying starts a new engine instance. */
    public boolean needsDrain() {
        return changes.stream().anyMatch(c -> c.effect() == Effect.DRAIN);
    }

    private static void drain(List<Change> changes, String field, @Nullable Object before, @Nullable Object after, String reason) {
        if (!Objects.equals(before, after)) {
            changes.add(new Change(field, before, after, Effect.DRAIN, reason));
        }
    }

    private static void limit(List<Change> changes, String field, ModelProfile from, ModelProfile to,
            ToLongFunction<ModelProfile> value, boolean live, String reason) {
        long before = value.applyAsLong(from);
        long after = value.applyAsLong(to);
        if (before != after) {
            changes.add(new Change(field, before, after, live ? Effect.LIVE : Effect.DRAIN, reason));
        }
    }

    private static void plugin(List<Change> changes, PluginSlot slot, StrategyChoice before, StrategyChoice after) {
        Effect effect = slot.needsDrain() ? Effect.DRAIN : Effect.LIVE;
        String field = "plugins." + slot.field();
        if (!Objects.equals(before.name(), after.name())) {
            changes.add(new Change(field, before, after, effect, slot.effect()));
            return;
        }
        Map<String, Object> was = before.config();
        Map<String, Object> now = after.config();
        TreeSet<String> keys = new TreeSet<>(was.keySet());
        keys.addAll(now.keySet());
        for (String key : keys) {
            if (!Objects.equals(was.get(key), now.get(key))) {
                changes.add(new Change(field + ".config." + key, was.get(key), now.get(key), effect, slot.effect()));
            }
        }
    }
}
