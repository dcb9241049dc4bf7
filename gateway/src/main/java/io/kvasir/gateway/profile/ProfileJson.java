package io.kvasir.gateway.profile;

import io.kvasir.engine.loop.CacheProfile;
import io.kvasir.engine.loop.StrategyChoice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ObjIntConsumer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Profiles as JSON, the shape the admin API and the profile store use:
 * <pre>{@code
 * {"modelFile": "stories260K.gguf", "backend": "cpu",
 *  "plugins": {"codec": {"name": "int8", "config": {}}, "prefixIndex": {...}, "eviction": {...},
 *              "preemption": {...}, "offloadTier": {...}, "scheduling": {...}},
 *  "kvCacheBytes": 268435456, "blockSize": 16, "maxBatchTokens": 512, "maxRunningRequests": 32,
 *  "maxWaitingRequests": 256, "threads": 0, "contextLength": 0}
 * }</pre>
 * Field names are the ones {@link ProfileValidator} and {@link ProfileDiff} report ({@code plugins.codec},
 * {@code plugins.eviction.config.budget_tokens}). Reading reports every problem of shape (unknown fields, wrong
 * types) with its field and reads a missing field as its default, so the validator can add its own problems.
 * Writing is deterministic: fields in this order, configuration keys sorted.
 */
public final class ProfileJson {

    /** The top-level fields, in writing order. */
    public static final List<String> FIELDS = List.of("modelFile", "backend", "plugins", "kvCacheBytes", "blockSize",
            "maxBatchTokens", "maxRunningRequests", "maxWaitingRequests", "threads", "contextLength");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProfileJson() {
    }

    /** A profile read from JSON, with the problems of shape found (empty when the JSON was well-formed). */
    public record Read(ModelProfile profile, List<ProfileProblem> problems) {

        public Read {
            problems = List.copyOf(problems);
        }

        /** The shape problems, then the validator's problems of the fields whose shape was right. */
        public List<ProfileProblem> allProblems(ProfileValidator validator) {
            List<ProfileProblem> all = new ArrayList<>(problems);
            for (ProfileProblem problem : validator.problems(profile)) {
                if (problems.stream().noneMatch(p -> overlaps(p.field(), problem.field()))) {
                    all.add(problem);
                }
            }
            return all;
        }

        private static boolean overlaps(String a, String b) {
            return a.equals(b) || a.startsWith(b + ".") || b.startsWith(a + ".");
        }
    }

    /** The profile as a tree of maps and scalars, for JSON writers. */
    public static Map<String, Object> toTree(ModelProfile profile) {
        Map<String, Object> plugins = new LinkedHashMap<>();
        for (PluginSlot slot : PluginSlot.values()) {
            plugins.put(slot.field(), choiceTree(slot.choice(profile.plugins())));
        }
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("modelFile", profile.modelFile());
        tree.put("backend", profile.backend());
        tree.put("plugins", plugins);
        tree.put("kvCacheBytes", profile.kvCacheBytes());
        tree.put("blockSize", profile.blockSize());
        tree.put("maxBatchTokens", profile.maxBatchTokens());
        tree.put("maxRunningRequests", profile.maxRunningRequests());
        tree.put("maxWaitingRequests", profile.maxWaitingRequests());
        tree.put("threads", profile.threads());
        tree.put("contextLength", profile.contextLength());
        return tree;
    }

    /** A plugin choice as {@code {"name", "config"}}, configuration keys sorted. */
    public static Map<String, Object> choiceTree(@Nullable StrategyChoice choice) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("name", choice == null ? null : choice.name());
        tree.put("config", choice == null ? Map.of() : new TreeMap<>(choice.config()));
        return tree;
    }

    /** A value of a {@link ProfileDiff.Change} as JSON shows it: plugin choices as trees, the rest as it is. */
    public static @Nullable Object valueTree(@Nullable Object value) {
        return value instanceof StrategyChoice choice ? choiceTree(choice) : value;
    }

    /** The profile as JSON text (what the store keeps). */
    public static String write(ModelProfile profile) {
        return JSON.writeValueAsString(toTree(profile));
    }

    /** JSON text written by {@link #write} as a tree of maps and scalars, exactly as stored. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> tree(String json) {
        return JSON.readValue(json, LinkedHashMap.class);
    }

    /** Parses JSON text written by {@link #write}. */
    public static Read parse(String json) {
        try {
            return read(JSON.readTree(json));
        } catch (JacksonException e) {
            return new Read(ModelProfile.builder(null).build(),
                    List.of(new ProfileProblem("profile", "not valid JSON: " + e.getOriginalMessage())));
        }
    }

    /** Reads a profile from a JSON tree; {@code null} or a non-object is one problem. */
    public static Read read(@Nullable JsonNode json) {
        List<ProfileProblem> problems = new ArrayList<>();
        ModelProfile.Builder builder = ModelProfile.builder(null);
        if (json == null || !json.isObject()) {
            problems.add(new ProfileProblem("profile", "must be a JSON object with at least 'modelFile'"));
            return new Read(builder.build(), problems);
        }
        for (String field : json.propertyNames()) {
            if (!FIELDS.contains(field)) {
                problems.add(new ProfileProblem(field, "unknown field (known: " + String.join(", ", FIELDS) + ")"));
            }
        }
        String modelFile = string(json, "modelFile", problems);
        builder.modelFile(modelFile);
        String backend = string(json, "backend", problems);
        if (backend != null) {
            builder.backend(backend);
        }
        builder.plugins(plugins(json.get("plugins"), problems));
        JsonNode kvCacheBytes = present(json, "kvCacheBytes");
        if (kvCacheBytes != null) {
            Long bytes = whole("kvCacheBytes", kvCacheBytes, Long.MIN_VALUE, Long.MAX_VALUE, problems);
            if (bytes != null) {
                builder.kvCacheBytes(bytes);
            }
        }
        integer(json, "blockSize", problems, (b, v) -> b.blockSize(v), builder);
        integer(json, "maxBatchTokens", problems, (b, v) -> b.maxBatchTokens(v), builder);
        integer(json, "maxRunningRequests", problems, (b, v) -> b.maxRunningRequests(v), builder);
        integer(json, "maxWaitingRequests", problems, (b, v) -> b.maxWaitingRequests(v), builder);
        integer(json, "threads", problems, (b, v) -> b.threads(v), builder);
        integer(json, "contextLength", problems, (b, v) -> b.contextLength(v), builder);
        return new Read(builder.build(), problems);
    }

    private static @Nullable JsonNode present(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value;
    }

    private static @Nullable String string(JsonNode json, String field, List<ProfileProblem> problems) {
        JsonNode value = present(json, field);
        if (value == null) {
            return null;
        }
        if (!value.isString()) {
            problems.add(new ProfileProblem(field, "must be a string, got " + value));
            return null;
        }
        return value.stringValue();
    }

    private static void integer(JsonNode json, String field, List<ProfileProblem> problems,
            ObjIntConsumer<ModelProfile.Builder> setter, ModelProfile.Builder builder) {
        JsonNode value = present(json, field);
        if (value != null) {
            Long whole = whole(field, value, Integer.MIN_VALUE, Integer.MAX_VALUE, problems);
            if (whole != null) {
                setter.accept(builder, whole.intValue());
            }
        }
    }

    private static @Nullable Long whole(String field, JsonNode value, long min, long max, List<ProfileProblem> problems) {
        if (!value.isIntegralNumber()) {
            problems.add(new ProfileProblem(field, "must be a whole number, got " + value));
            return null;
        }
        if (!value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            problems.add(new ProfileProblem(field, "must be in " + min + ".." + max + ", got " + value));
            return null;
        }
        return value.longValue();
    }

    private static @Nullable CacheProfile plugins(@Nullable JsonNode json, List<ProfileProblem> problems) {
        if (json == null || json.isNull()) {
            return null;
        }
        if (!json.isObject()) {
            problems.add(new ProfileProblem("plugins", "must be an object with a plugin per kind, got " + json));
            return null;
        }
        List<String> slots = Arrays.stream(PluginSlot.values()).map(PluginSlot::field).toList();
        for (String field : json.propertyNames()) {
            if (!slots.contains(field)) {
                problems.add(new ProfileProblem("plugins." + field, "unknown plugin kind (known: " + String.join(", ", slots) + ")"));
            }
        }
        // Kinds left out (or unreadable) read as their defaults: ModelProfile fills in null choices.
        CacheProfile plugins = new CacheProfile(null, null, null, null, null, null);
        for (PluginSlot slot : PluginSlot.values()) {
            StrategyChoice choice = choice("plugins." + slot.field(), json.get(slot.field()), problems);
            if (choice != null) {
                plugins = slot.with(plugins, choice);
            }
        }
        return plugins;
    }

    private static @Nullable StrategyChoice choice(String field, @Nullable JsonNode json, List<ProfileProblem> problems) {
        if (json == null || json.isNull()) {
            return null;
        }
        if (!json.isObject()) {
            problems.add(new ProfileProblem(field, "must be an object {\"name\", \"config\"}, got " + json));
            return null;
        }
        for (String key : json.propertyNames()) {
            if (!key.equals("name") && !key.equals("config")) {
                problems.add(new ProfileProblem(field + "." + key, "unknown field (known: name, config)"));
            }
        }
        JsonNode name = json.get("name");
        if (name == null || !name.isString()) {
            problems.add(new ProfileProblem(field + ".name", "must be a plugin name (a string), got " + name));
            return null;
        }
        JsonNode config = json.get("config");
        Map<String, Object> values = new LinkedHashMap<>();
        if (config != null && !config.isNull()) {
            if (!config.isObject()) {
                problems.add(new ProfileProblem(field + ".config", "must be an object of settings, got " + config));
                return null;
            }
            for (Map.Entry<String, JsonNode> entry : config.properties()) {
                Object value = scalar(entry.getValue());
                if (value == null) {
                    problems.add(new ProfileProblem(field + ".config." + entry.getKey(),
                            "must be a number, a boolean or a string, got " + entry.getValue()));
                } else {
                    values.put(entry.getKey(), value);
                }
            }
        }
        return StrategyChoice.of(name.stringValue(), values);
    }

    private static @Nullable Object scalar(JsonNode value) {
        if (value.isString()) {
            return value.stringValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            if (!value.canConvertToLong()) {
                return null;
            }
            long whole = value.longValue();
            return whole == (int) whole ? (Object) (int) whole : (Object) whole;
        }
        if (value.isNumber()) {
            double d = value.doubleValue();
            return Double.isFinite(d) ? d : null;
        }
        return null;
    }
}
