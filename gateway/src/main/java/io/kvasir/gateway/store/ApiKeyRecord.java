package io.kvasir.gateway.store;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A stored API key: never the key itself, only its SHA-256 and a short prefix for display.
 *
 * @param id stable key id ({@code key_...}), what the admin API revokes
 * @param tenantId the tenant the key authenticates as
 * @param keyPrefix the key's first characters, for people to tell keys apart
 * @param keyHash lower-case hex SHA-256 of the whole key
 * @param createdAt when it was issued
 * @param revokedAt when it was revoked; null: active
 */
public record ApiKeyRecord(String id, String tenantId, String keyPrefix, String keyHash, Instant createdAt,
        @Nullable Instant revokedAt) {

    public boolean active() {
        return revokedAt == null;
    }
}
