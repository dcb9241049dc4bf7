package io.kvasir.gateway.admin;

import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelDeployment;
import io.kvasir.gateway.engine.ModelInfo;
import io.kvasir.gateway.profile.ProfileDiff;
import io.kvasir.gateway.profile.ProfileJson;
import io.kvasir.gateway.profile.ProfileProblem;
import io.kvasir.gateway.profile.ProfileStore;
import io.kvasir.gateway.profile.ProfileVersion;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The admin API for models and their profiles under {@code /admin/api/models} (admin credentials required, see
 * {@link io.kvasir.gateway.security.AdminAuthFilter}): list, load and unload models; read, validate, diff, apply
 * and roll back profiles, and their history. Changes go through the {@link ProfileStore}: versioned, audited with
 * the admin's name, {@code If-Match} on the version read (409 {@code stale_version} when it moved), and the same
 * change twice is a no-op. Profile versions travel as {@code ETag}s ({@code "3"}).
 */
@RestController
@RequestMapping("/admin/api/models")
public class ModelAdminController {

    private static final int MAX_HISTORY = 1000;

    private final ModelCatalog catalog;
    private final ProfileStore store;

    public ModelAdminController(ModelCatalog catalog, ProfileStore store) {
        this.catalog = catalog;
        this.store = store;
    }

    /** Every served model with its instances and profile version. */
    @GetMapping
    public Mono<List<ModelView>> list() {
        return AdminRequests.blocking(() -> catalog.deployments().stream().map(this::view).toList());
    }

    @GetMapping("/{name}")
    public Mono<ModelView> get(@PathVariable String name) {
        return AdminRequests.blocking(() -> view(deployment(name)));
    }

    /** Loads a model from a profile: {@code {"name"?, "profile"}}; 201 with the model. */
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<ModelView> load(@RequestBody(required = false) @Nullable JsonNode body, ServerWebExchange exchange) {
        String actor = AdminRequests.actor(exchange);
        return AdminRequests.blocking(() -> {
            LoadRequest request = LoadRequest.of(body);
            return view(store.load(request.name(), ProfileJson.read(request.profile()), actor).deployment());
        });
    }

    /** Stops serving a model (requests still running end as cancelled); 204. */
    @DeleteMapping("/{name}")
    public Mono<ResponseEntity<Void>> unload(@PathVariable String name, ServerWebExchange exchange) {
        String actor = AdminRequests.actor(exchange);
        return AdminRequests.blocking(() -> {
            store.unload(name, actor);
            return ResponseEntity.noContent().build();
        });
    }

    /** The profile in effect, with its version (also the {@code ETag}). */
    @GetMapping("/{name}/profile")
    public Mono<ResponseEntity<ProfileView>> profile(@PathVariable String name) {
        return AdminRequests.blocking(() -> {
            ProfileVersion current = store.current(name);
            return ResponseEntity.ok().header(HttpHeaders.ETAG, etag(current.version())).body(ProfileView.of(current));
        });
    }

    /** Every problem of a profile, each naming its field; 200 whether valid or not. */
    @PostMapping("/{name}/profile/validate")
    public Mono<Validation> validate(@PathVariable String name, @RequestBody(required = false) @Nullable JsonNode body) {
        return AdminRequests.blocking(() -> {
            store.current(name);
            List<ProfileProblem> problems = store.problems(ProfileJson.read(body));
            return new Validation(problems.isEmpty(), problems);
        });
    }

    /** What applying a profile would change, field by field, and whether it needs a new instance; 400 when invalid. */
    @PostMapping("/{name}/profile/diff")
    public Mono<DiffView> diff(@PathVariable String name, @RequestBody(required = false) @Nullable JsonNode body) {
        return AdminRequests.blocking(() -> DiffView.of(store.diff(name, ProfileJson.read(body))));
    }

    /**
     * Applies a profile made against the version in {@code If-Match}: 200 with the new version and what the
     * apply did; the profile in effect already: 200 with the current version and outcome {@code unchanged}.
     */
    @PutMapping("/{name}/profile")
    public Mono<ResponseEntity<AppliedView>> apply(@PathVariable String name,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
            @RequestBody(required = false) @Nullable JsonNode body, ServerWebExchange exchange) {
        String actor = AdminRequests.actor(exchange);
        Long expected = version(ifMatch);
        if (expected == null) {
            return Mono.error(new ApiException(HttpStatus.PRECONDITION_REQUIRED, "invalid_request_error", "version_required",
                    HttpHeaders.IF_MATCH, "Send the profile version you edited in If-Match (\"3\"); GET the profile for it."));
        }
        return AdminRequests.blocking(() -> applied(store.apply(name, ProfileJson.read(body), expected, actor)));
    }

    /** The newest versions first ({@code limit} 1 to 1000, default 100). */
    @GetMapping("/{name}/profile/history")
    public Mono<List<ProfileView>> history(@PathVariable String name, @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX_HISTORY) {
            return Mono.error(ApiException.invalidRequest("limit", "'limit' must be between 1 and " + MAX_HISTORY + "."));
        }
        return AdminRequests.blocking(() -> store.history(name, limit).stream().map(ProfileView::of).toList());
    }

    /** Puts an earlier version back in effect as a new version: {@code {"version": N}}; {@code If-Match} optional. */
    @PostMapping("/{name}/profile/rollback")
    public Mono<ResponseEntity<AppliedView>> rollback(@PathVariable String name,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
            @RequestBody(required = false) @Nullable JsonNode body, ServerWebExchange exchange) {
        String actor = AdminRequests.actor(exchange);
        Long expected = version(ifMatch);
        long target = rollbackVersion(body);
        return AdminRequests.blocking(() -> applied(store.rollback(name, target, expected, actor)));
    }

    /** A version as an entity tag: {@code "3"}. */
    static String etag(long version) {
        return "\"" + version + "\"";
    }

    /** The version an {@code If-Match} names ({@code "3"} or {@code 3}); null when absent. */
    private static @Nullable Long version(@Nullable String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return null;
        }
        String tag = ifMatch.strip();
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        try {
            long version = Long.parseLong(tag);
            if (version >= 1) {
                return version;
            }
        } catch (NumberFormatException malformed) {
            // reported below
        }
        throw ApiException.invalidRequest(HttpHeaders.IF_MATCH, "If-Match must be a profile version such as \"3\", got '"
                + ifMatch + "'.");
    }

    private static long rollbackVersion(@Nullable JsonNode body) {
        JsonNode version = body == null ? null : body.get("version");
        if (body == null || !body.isObject() || version == null || !version.isIntegralNumber() || !version.canConvertToLong()
                || version.longValue() < 1 || body.size() != 1) {
            throw ApiException.invalidRequest("version", "The body must be {\"version\": N} with N an earlier profile version.");
        }
        return version.longValue();
    }

    private static ResponseEntity<AppliedView> applied(ProfileStore.Applied applied) {
        return ResponseEntity.ok().header(HttpHeaders.ETAG, etag(applied.version().version())).body(AppliedView.of(applied));
    }

    private ModelDeployment deployment(String name) {
        return catalog.deployment(name).orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "invalid_request_error",
                "model_not_found", "model", "No model named '" + name + "' is served."));
    }

    private ModelView view(ModelDeployment deployment) {
        ModelInfo info = deployment.info();
        List<InstanceView> instances = deployment.instances().stream().map(InstanceView::of).toList();
        return new ModelView(deployment.name(), info.file().toString(), info.architecture(), info.contextLength(),
                store.storedVersion(deployment.name()).orElse(null), instances);
    }

    /** The body of a load. */
    private record LoadRequest(@Nullable String name, @Nullable JsonNode profile) {
        private static final Set<String> FIELDS = Set.of("name", "profile");

        static LoadRequest of(@Nullable JsonNode body) {
            if (body == null || !body.isObject()) {
                throw ApiException.invalidRequest(null, "The body must be {\"name\"?, \"profile\": {...}}.");
            }
            for (String field : body.propertyNames()) {
                if (!FIELDS.contains(field)) {
                    throw ApiException.invalidRequest(field, "Unknown field '" + field + "' (known: name, profile).");
                }
            }
            JsonNode name = body.get("name");
            if (name != null && !name.isNull() && !name.isString()) {
                throw ApiException.invalidRequest("name", "'name' must be a string.");
            }
            return new LoadRequest(name == null || name.isNull() ? null : name.stringValue(), body.get("profile"));
        }
    }

    /**
     * A served model.
     *
     * @param name the name clients use
     * @param file the GGUF file it serves
     * @param architecture the GGUF architecture
     * @param contextLength tokens a request may span
     * @param profileVersion the stored profile version in effect; null for a model started around the profile store
     * @param instances its engine instances, the serving one first
     */
    public record ModelView(String name, String file, String architecture, int contextLength, @Nullable Long profileVersion,
            List<InstanceView> instances) {
    }

    /**
     * An engine instance of a model.
     *
     * @param id increasing with each instance the model started
     * @param state {@code serving} (gets new requests) or {@code draining} (finishes its requests, then closes)
     * @param runningRequests generations in flight on it
     * @param kvMemoryBytes its KV memory
     */
    public record InstanceView(long id, String state, int runningRequests, long kvMemoryBytes) {
        static InstanceView of(ModelDeployment.InstanceStatus status) {
            return new InstanceView(status.id(), status.current() ? "serving" : "draining", status.numInFlight(),
                    status.kvMemoryBytes());
        }
    }

    /**
     * A stored profile version.
     *
     * @param model the model
     * @param version its number
     * @param profile the profile
     * @param change how it came: {@code initial}, {@code apply}, {@code rollback}, {@code load}, {@code fallback}
     * @param restoredVersion for a rollback, the version restored
     * @param updatedAt when it was stored
     * @param updatedBy who stored it ({@code kvasir}: the gateway itself)
     */
    public record ProfileView(String model, long version, Map<String, Object> profile, String change,
            @Nullable Long restoredVersion, Instant updatedAt, String updatedBy) {
        static ProfileView of(ProfileVersion v) {
            return new ProfileView(v.model(), v.version(), v.profileTree(), v.change().id(), v.restoredVersion(),
                    v.changedAt(), v.changedBy());
        }
    }

    /**
     * The version in effect after an apply or rollback, and what it did.
     *
     * @param outcome {@code unchanged} (nothing stored), {@code live} (at the running instance's next step) or
     *        {@code new_instance} (new requests go to a new instance; the old one drains)
     * @param needsDrain whether a new instance was started
     * @param changes each changed field with its effect
     */
    public record AppliedView(String model, long version, Map<String, Object> profile, String change,
            @Nullable Long restoredVersion, Instant updatedAt, String updatedBy, String outcome, boolean needsDrain,
            List<ChangeView> changes) {
        static AppliedView of(ProfileStore.Applied applied) {
            ProfileView v = ProfileView.of(applied.version());
            DiffView diff = DiffView.of(applied.result().diff());
            return new AppliedView(v.model(), v.version(), v.profile(), v.change(), v.restoredVersion(), v.updatedAt(),
                    v.updatedBy(), applied.result().outcome().name().toLowerCase(Locale.ROOT), diff.needsDrain(),
                    diff.changes());
        }
    }

    /** A validation's answer. */
    public record Validation(boolean valid, List<ProfileProblem> problems) {
    }

    /** What applying a profile would change. */
    public record DiffView(List<ChangeView> changes, boolean needsDrain) {
        static DiffView of(ProfileDiff diff) {
            return new DiffView(diff.changes().stream().map(ChangeView::of).toList(), diff.needsDrain());
        }
    }

    /**
     * One changed field.
     *
     * @param field as the validator names it ({@code plugins.codec}, {@code plugins.eviction.config.budget_tokens})
     * @param from the value in effect ({@code {"name","config"}} for a plugin)
     * @param to the value applied
     * @param effect {@code live} or {@code drain}
     * @param reason why, for the operator
     */
    public record ChangeView(String field, @Nullable Object from, @Nullable Object to, String effect, String reason) {
        static ChangeView of(ProfileDiff.Change change) {
            return new ChangeView(change.field(), ProfileJson.valueTree(change.before()), ProfileJson.valueTree(change.after()),
                    change.effect().name().toLowerCase(Locale.ROOT), change.reason());
        }
    }
}
