package io.kvasir.gateway.profile;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One stored version of a model's profile.
 *
 * @param model the model's name
 * @param version 1, 2, ... per model; every change is a new version, a rollback too
 * @param profileJson the profile as validated when it was stored ({@link ProfileJson#write})
 * @param change how it came about
 * @param restoredVersion for a rollback, the version restored; null otherwise
 * @param changedBy the admin, or {@code kvasir} for versions the gateway stored itself
 * @param changedAt when
 */
public record ProfileVersion(String model, long version, String profileJson, ProfileChange change,
        @Nullable Long restoredVersion, String changedBy, Instant changedAt) {

    /** The profile as stored, read back (not validated: plugins or files may have gone since). */
    public ProfileJson.Read read() {
        return ProfileJson.parse(profileJson);
    }

    /**
     * The profile as stored, not validated again (plugins or files may have gone since).
     *
     * @throws InvalidProfileException when the stored JSON no longer reads as a profile
     */
    public ModelProfile profile() {
        ProfileJson.Read read = read();
        if (!read.problems().isEmpty()) {
            throw new InvalidProfileException(read.problems());
        }
        return read.profile();
    }

    /** The profile as stored, as a tree of maps and scalars. */
    public Map<String, Object> profileTree() {
        return ProfileJson.tree(profileJson);
    }

    /** What the audit log shows for this version: its number, how it came about and its profile. */
    Map<String, Object> auditState() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("version", version);
        state.put("change", change.id());
        state.put("profile", profileTree());
        return state;
    }
}
