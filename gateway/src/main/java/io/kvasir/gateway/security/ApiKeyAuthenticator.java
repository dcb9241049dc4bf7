package io.kvasir.gateway.security;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.store.ApiKeyRecord;
import io.kvasir.gateway.store.ApiKeyRepository;
import io.kvasir.gateway.tenant.TenantDirectory;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Checks tenant API keys: the presented key is hashed, looked up by hash (through a Caffeine cache that also
 * remembers unknown hashes briefly), and the stored hash compared with the computed one in constant time.
 *
 * <p>Invariants: a key revoked through {@link #invalidate} on this replica is refused from the next request on;
 * the key itself is never stored, cached or logged, only its hash; every refusal is a 401
 * {@code invalid_api_key} whatever the reason (missing, malformed, unknown, revoked), except a valid key of a
 * disabled tenant (403).
 */
@Component
public class ApiKeyAuthenticator {

    private final ApiKeyRepository keys;
    private final TenantDirectory tenants;
    private final AsyncCache<String, Optional<ApiKeyRecord>> activeKeysByHash;

    public ApiKeyAuthenticator(ApiKeyRepository keys, TenantDirectory tenants, AuthProperties properties) {
        this.keys = keys;
        this.tenants = tenants;
        long positiveNanos = properties.keyCacheTtl().toNanos();
        long negativeNanos = properties.negativeCacheTtl().toNanos();
        this.activeKeysByHash = Caffeine.newBuilder()
                .maximumSize(properties.keyCacheSize())
                .expireAfter(new Expiry<String, Optional<ApiKeyRecord>>() {
                    @Override
                    public long expireAfterCreate(String hash, Optional<ApiKeyRecord> key, long now) {
                        return key.isPresent() ? positiveNanos : negativeNanos;
                    }

                    @Override
                    public long expireAfterUpdate(String hash, Optional<ApiKeyRecord> key, long now, long current) {
                        return expireAfterCreate(hash, key, now);
                    }

                    @Override
                    public long expireAfterRead(String hash, Optional<ApiKeyRecord> key, long now, long current) {
                        return current;
                    }
                })
                .buildAsync();
    }

    /**
     * The key's tenant, or an {@link ApiException}: 401 {@code invalid_api_key} for a missing, malformed,
     * unknown or revoked key, 403 {@code tenant_disabled} for a disabled tenant's key.
     *
     * @param authorization the request's {@code Authorization} header value
     */
    public Mono<AuthenticatedKey> authenticate(@Nullable String authorization) {
        String presented = bearerToken(authorization);
        if (presented == null) {
            return Mono.error(invalidKey("You didn't provide an API key. Send it as 'Authorization: Bearer kv-...'."));
        }
        if (!ApiKeys.wellFormed(presented)) {
            return Mono.error(invalidKey(incorrectKeyMessage()));
        }
        String hash = ApiKeys.hash(presented);
        return Mono.fromFuture(() -> activeKeysByHash.get(hash, (h, executor) -> keys.findByHash(h)
                        .filter(ApiKeyRecord::active).map(Optional::of).defaultIfEmpty(Optional.empty()).toFuture()), true)
                .flatMap(found -> found.filter(key -> ApiKeys.hashesEqual(key.keyHash(), hash))
                        .map(this::withTenant)
                        .orElseGet(() -> Mono.error(invalidKey(incorrectKeyMessage()))));
    }

    private Mono<AuthenticatedKey> withTenant(ApiKeyRecord key) {
        return tenants.find(key.tenantId())
                .switchIfEmpty(Mono.error(() -> invalidKey(incorrectKeyMessage())))
                .flatMap(tenant -> tenant.disabled()
                        ? Mono.error(new ApiException(HttpStatus.FORBIDDEN, "permission_denied", "tenant_disabled",
                                null, "This API key's tenant is disabled."))
                        : Mono.just(new AuthenticatedKey(key.id(), tenant)));
    }

    /** Forgets what is cached for a key, so revocation or rotation takes effect at once. */
    public void invalidate(String keyHash) {
        activeKeysByHash.synchronous().invalidate(keyHash);
    }

    /** The token of a {@code Bearer} authorization, or null. */
    static @Nullable String bearerToken(@Nullable String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private static String incorrectKeyMessage() {
        return "Incorrect API key provided.";
    }

    static ApiException invalidKey(String message) {
        return new ApiException(HttpStatus.UNAUTHORIZED, "invalid_request_error", "invalid_api_key", null, message);
    }
}
