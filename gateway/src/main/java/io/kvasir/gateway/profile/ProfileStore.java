package io.kvasir.gateway.profile;

import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelDeployment;
import io.kvasir.gateway.engine.ModelDeployment.ApplyResult;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Changes what the gateway serves, and stores each change: applies profiles to running models, rolls them back,
 * loads and unloads models. Every change that takes effect is a new stored version with one audit record
 * ({@link ProfileVersions}); a change that does not take effect stores nothing.
 *
 * <ul>
 *   <li><b>Validated first</b>: a profile with any problem is refused ({@link InvalidProfileException}, every
 *       problem with its field) and nothing changes.</li>
 *   <li><b>Optimistic concurrency</b>: a change names the version it was made against; when the model has moved
 *       on, {@link StaleVersionException} and nothing changes. Changes of one model run one at a time here, and
 *       the database's compare-and-set refuses a version another gateway stored first.</li>
 *   <li><b>No-ops</b>: a profile equal to the one in effect (after validation, so defaults spelled out or left
 *       out compare equal) changes nothing, stores nothing and answers with the current version, whatever
 *       version it names, so repeating a request gives the same result.</li>
 *   <li><b>Apply, then store</b>: the profile is put in effect through {@link ModelDeployment#apply} (live, or a
 *       new instance while the old one drains); if storing then fails, the previous profile is applied back.</li>
 * </ul>
 * Blocking: call off event-loop threads. Thread-safe.
 */
@Service
public class ProfileStore {

    private static final Logger log = LoggerFactory.getLogger(ProfileStore.class);
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final int NUM_LOCKS = 64;

    private final ModelCatalog catalog;
    private final ProfileVersions versions;
    private final Object[] locks = new Object[NUM_LOCKS];

    public ProfileStore(ModelCatalog catalog, ProfileVersions versions) {
        this.catalog = catalog;
        this.versions = versions;
        for (int i = 0; i < NUM_LOCKS; i++) {
            locks[i] = new Object();
        }
    }

    /**
     * What a change did.
     *
     * @param version the version in effect afterwards (the one before, when nothing changed)
     * @param result what the deployment did: unchanged, live, or a new instance with the old one draining
     */
    public record Applied(ProfileVersion version, ApplyResult result) {
    }

    /** A model loaded through the API, and its first stored version there. */
    public record Loaded(ModelDeployment deployment, ProfileVersion version) {
    }

    /** The version in effect; 404 when the model is not served. */
    public ProfileVersion current(String model) {
        deployment(model);
        return versions.current(model).orElseThrow(() -> notServed(model));
    }

    /** The stored version in effect of a model, if it has one (a model deployed around the store has none). */
    public Optional<Long> storedVersion(String model) {
        return versions.current(model).map(ProfileVersion::version);
    }

    /** The newest {@code limit} versions, newest first; 404 when the model is not served. */
    public List<ProfileVersion> history(String model, int limit) {
        deployment(model);
        return versions.history(model, limit);
    }

    /** Every problem of a profile read from JSON: its shape, then the validator's. */
    public List<ProfileProblem> problems(ProfileJson.Read requested) {
        return requested.allProblems(catalog.validator());
    }

    /**
     * What applying a profile to a model would change, and how, without changing anything.
     *
     * @throws InvalidProfileException listing every problem
     */
    public ProfileDiff diff(String model, ProfileJson.Read requested) {
        return deployment(model).plan(checked(requested));
    }

    /**
     * Puts a profile in effect and stores it as a new version.
     *
     * @param expectedVersion the version the admin read
     * @throws InvalidProfileException listing every problem; nothing changed
     * @throws StaleVersionException when the model is no longer at {@code expectedVersion}; nothing changed
     * @throws ApiException 404 for a model not served; 400 {@code apply_failed} when the profile is valid but its
     *         instance cannot start (the model goes on serving its current version)
     */
    public Applied apply(String model, ProfileJson.Read requested, long expectedVersion, String actor) {
        ModelProfile next = checked(requested);
        synchronized (lockOf(model)) {
            ModelDeployment deployment = deployment(model);
            ProfileVersion current = current(model);
            if (deployment.profile().equals(next)) {
                return unchanged(current, deployment);
            }
            if (current.version() != expectedVersion) {
                throw new StaleVersionException(model, expectedVersion, current.version());
            }
            return applyAndStore(deployment, next, current, ProfileChange.APPLY, null, actor);
        }
    }

    /**
     * Puts an earlier version's profile back in effect, as a new version.
     *
     * @param expectedVersion the version the admin read, or null to roll back from whatever is current
     * @throws ApiException 404 for a model not served or a version not stored; 400 as {@link #apply}
     * @throws InvalidProfileException when the stored profile no longer validates (a plugin or file gone)
     * @throws StaleVersionException as {@link #apply}
     */
    public Applied rollback(String model, long version, @Nullable Long expectedVersion, String actor) {
        synchronized (lockOf(model)) {
            ModelDeployment deployment = deployment(model);
            ProfileVersion current = current(model);
            ProfileVersion target = versions.find(model, version).orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND,
                    "invalid_request_error", "version_not_found", "version",
                    "Model '" + model + "' has no profile version " + version + "."));
            ModelProfile restored = catalog.validator().check(target.profile());
            if (deployment.profile().equals(restored)) {
                return unchanged(current, deployment);
            }
            if (expectedVersion != null && current.version() != expectedVersion) {
                throw new StaleVersionException(model, expectedVersion, current.version());
            }
            return applyAndStore(deployment, restored, current, ProfileChange.ROLLBACK, version, actor);
        }
    }

    /**
     * Starts serving a model from a profile, under {@code name} or its file's name, and stores the profile as the
     * model's next version (1 for a model never stored). The gateway loads it again at its next start.
     *
     * @throws InvalidProfileException listing every problem
     * @throws ApiException 400 for a bad name or a profile whose instance cannot start; 409 {@code model_exists}
     *         when the name is served
     */
    public Loaded load(@Nullable String name, ProfileJson.Read requested, String actor) {
        ModelProfile profile = checked(requested);
        String served = name == null ? catalog.defaultName(profile.modelFile()) : name;
        if (!MODEL_NAME.matcher(served).matches()) {
            throw ApiException.invalidRequest("name", "A model name is 1 to 128 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit; got '" + served + "'.");
        }
        synchronized (lockOf(served)) {
            if (catalog.deployment(served).isPresent()) {
                throw modelExists(served);
            }
            Optional<ProfileVersion> previous = versions.current(served);
            ModelDeployment deployment;
            try {
                deployment = catalog.deploy(served, profile);
            } catch (InvalidProfileException e) {
                throw e;
            } catch (IllegalStateException e) {
                throw modelExists(served);
            } catch (RuntimeException e) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", "apply_failed", null,
                        "Model '" + served + "' could not start from this profile: " + e.getMessage());
            }
            try {
                return new Loaded(deployment, versions.record(served, ProfileChange.LOAD, deployment.profile(),
                        previous.orElse(null), null, true, actor));
            } catch (RuntimeException e) {
                catalog.unload(served);
                throw e;
            }
        }
    }

    /**
     * Stops serving a model: requests still running on it end as cancelled. Its versions stay stored; it is not
     * loaded again at start unless the properties name it.
     *
     * @throws ApiException 404 for a model not served
     */
    public void unload(String model, String actor) {
        synchronized (lockOf(model)) {
            ProfileVersion current = current(model);
            catalog.unload(model);
            versions.recordUnload(model, current, actor);
        }
    }

    private Applied applyAndStore(ModelDeployment deployment, ModelProfile next, ProfileVersion current,
            ProfileChange change, @Nullable Long restoredVersion, String actor) {
        ModelProfile before = deployment.profile();
        ApplyResult result;
        try {
            result = deployment.apply(next);
        } catch (InvalidProfileException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", "apply_failed", null,
                    "The profile could not be put in effect; model '" + deployment.name() + "' goes on serving version "
                            + current.version() + ": " + e.getMessage());
        }
        try {
            return new Applied(versions.record(deployment.name(), change, result.profile(), current, restoredVersion, null,
                    actor), result);
        } catch (RuntimeException e) {
            log.error("model {}: storing the new profile failed; applying version {} back", deployment.name(),
                    current.version(), e);
            try {
                deployment.apply(before);
            } catch (RuntimeException revertFailure) {
                e.addSuppressed(revertFailure);
            }
            throw e;
        }
    }

    private static Applied unchanged(ProfileVersion current, ModelDeployment deployment) {
        return new Applied(current, new ApplyResult(ApplyResult.Outcome.UNCHANGED, new ProfileDiff(List.of()),
                deployment.profile(), CompletableFuture.completedFuture(null)));
    }

    private ModelProfile checked(ProfileJson.Read requested) {
        List<ProfileProblem> problems = problems(requested);
        if (!problems.isEmpty()) {
            throw new InvalidProfileException(problems);
        }
        return catalog.validator().check(requested.profile());
    }

    private ModelDeployment deployment(String model) {
        return catalog.deployment(model).orElseThrow(() -> notServed(model));
    }

    private Object lockOf(String model) {
        return locks[Math.floorMod(model.hashCode(), NUM_LOCKS)];
    }

    private static ApiException notServed(String model) {
        return new ApiException(HttpStatus.NOT_FOUND, "invalid_request_error", "model_not_found", "model",
                "No model named '" + model + "' is served.");
    }

    private static ApiException modelExists(String model) {
        return new ApiException(HttpStatus.CONFLICT, "invalid_request_error", "model_exists", "name",
                "A model named '" + model + "' is already served.");
    }
}
