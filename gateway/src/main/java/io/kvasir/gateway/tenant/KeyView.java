package io.kvasir.gateway.tenant;

import io.kvasir.gateway.store.ApiKeyRecord;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * An API key as the admin API and the audit log show it: never the key or its hash, only its prefix.
 *
 * @param id key id
 * @param tenantId its tenant
 * @param prefix the key's first characters
 * @param createdAt when it was issued
 * @param revokedAt when it was revoked; null: active
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record KeyView(String id, String tenantId, String prefix, Instant createdAt, @Nullable Instant revokedAt) {

    public static KeyView of(ApiKeyRecord key) {
        return new KeyView(key.id(), key.tenantId(), key.keyPrefix(), key.createdAt(), key.revokedAt());
    }
}
