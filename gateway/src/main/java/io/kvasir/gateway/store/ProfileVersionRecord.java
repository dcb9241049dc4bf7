package io.kvasir.gateway.store;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A row of {@code model_profile_versions}: one profile a model was put under. Never updated.
 *
 * @param model the model's name
 * @param version 1, 2, ... per model
 * @param profileJson the profile as validated, as JSON
 * @param changeKind how it came: {@code initial}, {@code apply}, {@code rollback}, {@code load}, {@code fallback}
 * @param restoredVersion for a rollback, the version restored; null otherwise
 * @param changedBy the admin, or {@code kvasir} for versions the gateway stored itself
 * @param changedAt when
 */
public record ProfileVersionRecord(String model, long version, String profileJson, String changeKind,
        @Nullable Long restoredVersion, String changedBy, Instant changedAt) {
}
