package io.kvasir.gateway.store;

import java.time.Instant;

/**
 * A row of {@code served_models}: a model with a stored profile.
 *
 * @param name the name clients use
 * @param currentVersion the profile version in effect (its highest)
 * @param loadedByApi loaded through the admin API and not unloaded since (loaded again at start)
 * @param updatedAt when the row last changed
 */
public record ServedModelRecord(String name, long currentVersion, boolean loadedByApi, Instant updatedAt) {
}
