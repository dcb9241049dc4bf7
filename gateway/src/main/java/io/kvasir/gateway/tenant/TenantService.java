package io.kvasir.gateway.tenant;

import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.security.ApiKeyAuthenticator;
import io.kvasir.gateway.security.ApiKeys;
import io.kvasir.gateway.security.RandomTokens;
import io.kvasir.gateway.store.ApiKeyRecord;
import io.kvasir.gateway.store.ApiKeyRepository;
import io.kvasir.gateway.store.AuditLogRepository;
import io.kvasir.gateway.store.TenantLimits;
import io.kvasir.gateway.store.TenantRecord;
import io.kvasir.gateway.store.TenantRepository;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates and changes tenants and their keys. Every change runs in one transaction with its audit record, and
 * the caches in front of the store forget what changed once the transaction has committed.
 *
 * <p>Invariants: a key's secret exists only in the {@link IssuedKey} returned when it is issued; a revoked key
 * is refused from the next request on (on this replica); each change leaves exactly one audit record per
 * object it changed.
 */
@Service
public class TenantService {

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final AuditLogRepository audit;
    private final TenantDirectory directory;
    private final ApiKeyAuthenticator authenticator;
    private final TenantLimits defaultLimits;
    private final TransactionalOperator tx;
    private final JsonMapper json;
    private final Clock clock = Clock.systemUTC();

    public TenantService(TenantRepository tenants, ApiKeyRepository keys, AuditLogRepository audit,
            TenantDirectory directory, ApiKeyAuthenticator authenticator, TenantProperties properties,
            ReactiveTransactionManager transactions, JsonMapper json) {
        this.tenants = tenants;
        this.keys = keys;
        this.audit = audit;
        this.directory = directory;
        this.authenticator = authenticator;
        this.defaultLimits = properties.defaultLimits().toLimits();
        this.tx = TransactionalOperator.create(transactions);
        this.json = json;
    }

    /** Every tenant with its keys. */
    public Flux<TenantView> list() {
        return tenants.findAll().concatMap(this::view);
    }

    /** One tenant with its keys; 404 when there is none. */
    public Mono<TenantView> get(String tenantId) {
        return existing(tenantId).flatMap(this::view);
    }

    /**
     * Creates a tenant and its first key.
     *
     * @param secret the key to issue, or null for a new random one
     * @throws ApiException 400 for an invalid spec, 409 {@code tenant_exists} when the id is taken
     */
    public Mono<IssuedKey> create(TenantSpec spec, @Nullable String secret, String actor) {
        return Mono.defer(() -> {
            Instant now = now();
            TenantLimits limits = spec.limits() == null ? defaultLimits : spec.limits().over(defaultLimits);
            TenantRecord tenant = new TenantRecord(spec.resolvedId(), TenantSpec.validName(spec.name()),
                    TenantSpec.validWeight(spec.weight(), 1.0), TenantSpec.validPrefixGroup(spec.prefixGroup()),
                    limits, now, null, 0);
            return tenants.insert(tenant)
                    .onErrorMap(DuplicateKeyException.class, e -> new ApiException(HttpStatus.CONFLICT,
                            "invalid_request_error", "tenant_exists", "id", "A tenant with id '" + tenant.id() + "' exists."))
                    .flatMap(created -> recordChange(actor, "tenant.create", "tenant:" + created.id(), null, view(created, List.of())))
                    .then(issue(tenant, secret, actor, now))
                    .as(tx::transactional)
                    .doOnSuccess(issued -> forget(issued.tenant().id(), List.of(issued.key())));
        });
    }

    /**
     * Issues a tenant another key (rotation); with {@code revokeExisting}, its other keys are revoked in the
     * same transaction.
     */
    public Mono<IssuedKey> issueKey(String tenantId, boolean revokeExisting, String actor) {
        return existing(tenantId).flatMap(tenant -> {
            Instant now = now();
            Mono<List<ApiKeyRecord>> revoked = revokeExisting
                    ? keys.findByTenant(tenantId).filter(ApiKeyRecord::active)
                            .concatMap(key -> revoke(key, actor, now)).collectList()
                    : Mono.just(List.of());
            return revoked.flatMap(gone -> issue(tenant, null, actor, now).map(issued -> {
                        List<ApiKeyRecord> changed = new ArrayList<>(gone);
                        changed.add(issued.key());
                        return new IssuedWithChanges(issued, changed);
                    }))
                    .as(tx::transactional)
                    .doOnSuccess(result -> forget(tenantId, result.changedKeys()))
                    .map(IssuedWithChanges::issued);
        });
    }

    /** Revokes a key (revoking a revoked key changes nothing); 404 when there is no such key. */
    public Mono<KeyView> revokeKey(String keyId, String actor) {
        return keys.findById(keyId)
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND, "invalid_request_error",
                        "key_not_found", null, "No API key with id '" + keyId + "'.")))
                .flatMap(key -> key.active()
                        ? revoke(key, actor, now()).as(tx::transactional)
                                .doOnSuccess(revoked -> forget(key.tenantId(), List.of(revoked)))
                        : Mono.just(key))
                .map(KeyView::of);
    }

    /** Applies a change; 404 for an unknown tenant, 409 {@code version_conflict} when the version moved on. */
    public Mono<TenantView> update(String tenantId, TenantChange change, String actor) {
        return existing(tenantId).flatMap(current -> {
            if (change.version() != null && change.version() != current.version()) {
                return Mono.error(versionConflict(tenantId, current.version()));
            }
            TenantRecord changed = new TenantRecord(current.id(),
                    change.name() == null ? current.name() : TenantSpec.validName(change.name()),
                    TenantSpec.validWeight(change.weight(), current.weight()),
                    change.prefixGroup() == null ? current.prefixGroup() : TenantSpec.validPrefixGroup(change.prefixGroup()),
                    change.limits() == null ? current.limits() : change.limits().over(current.limits()),
                    current.createdAt(),
                    change.disabled() == null ? current.disabledAt()
                            : change.disabled() ? (current.disabled() ? current.disabledAt() : now()) : null,
                    current.version());
            if (sameSettings(changed, current)) {
                return view(current);
            }
            return tenants.update(changed, current.version())
                    .switchIfEmpty(Mono.error(() -> versionConflict(tenantId, -1)))
                    .flatMap(stored -> recordChange(actor, "tenant.update", "tenant:" + tenantId,
                            view(current, List.of()), view(stored, List.of())).thenReturn(stored))
                    .as(tx::transactional)
                    .doOnSuccess(stored -> directory.invalidate(tenantId))
                    .flatMap(this::view);
        });
    }

    private Mono<IssuedKey> issue(TenantRecord tenant, @Nullable String secret, String actor, Instant now) {
        String key = secret == null ? ApiKeys.generate() : secret;
        if (!ApiKeys.wellFormed(key)) {
            return Mono.error(ApiException.invalidRequest("key",
                    "An API key must be 'kv-' and 32 to 128 characters of [A-Za-z0-9_-]."));
        }
        ApiKeyRecord record = new ApiKeyRecord("key_" + RandomTokens.base62(20), tenant.id(),
                ApiKeys.displayPrefix(key), ApiKeys.hash(key), now, null);
        return keys.insert(record)
                .onErrorMap(DuplicateKeyException.class, e -> new ApiException(HttpStatus.CONFLICT,
                        "invalid_request_error", "key_exists", "key", "That API key is already in use."))
                .flatMap(stored -> recordChange(actor, "key.create", "key:" + stored.id(), null, KeyView.of(stored)))
                .thenReturn(new IssuedKey(tenant, record, key));
    }

    private Mono<ApiKeyRecord> revoke(ApiKeyRecord key, String actor, Instant now) {
        ApiKeyRecord revoked = new ApiKeyRecord(key.id(), key.tenantId(), key.keyPrefix(), key.keyHash(),
                key.createdAt(), now);
        return keys.revoke(key.id(), now)
                .flatMap(rows -> rows == 0 ? Mono.just(key) : recordChange(actor, "key.revoke", "key:" + key.id(),
                        KeyView.of(key), KeyView.of(revoked)).thenReturn(revoked));
    }

    private Mono<Void> recordChange(String actor, String action, String target, @Nullable Object before,
            @Nullable Object after) {
        return audit.append(actor, now(), action, target, toJson(before), toJson(after));
    }

    private @Nullable String toJson(@Nullable Object value) {
        return value == null ? null : json.writeValueAsString(value);
    }

    private void forget(String tenantId, List<ApiKeyRecord> changedKeys) {
        directory.invalidate(tenantId);
        changedKeys.forEach(key -> authenticator.invalidate(key.keyHash()));
    }

    private Mono<TenantRecord> existing(String tenantId) {
        return tenants.findById(tenantId).switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND,
                "invalid_request_error", "tenant_not_found", null, "No tenant with id '" + tenantId + "'.")));
    }

    private Mono<TenantView> view(TenantRecord tenant) {
        return keys.findByTenant(tenant.id()).map(KeyView::of).collectList().map(k -> view(tenant, k));
    }

    private static TenantView view(TenantRecord tenant, List<KeyView> keys) {
        return TenantView.of(tenant, keys);
    }

    private static boolean sameSettings(TenantRecord a, TenantRecord b) {
        return a.name().equals(b.name()) && a.weight() == b.weight()
                && Objects.equals(a.prefixGroup(), b.prefixGroup()) && a.limits().equals(b.limits())
                && Objects.equals(a.disabledAt(), b.disabledAt());
    }

    private static ApiException versionConflict(String tenantId, long currentVersion) {
        String current = currentVersion < 0 ? "" : " (now " + currentVersion + ")";
        return new ApiException(HttpStatus.CONFLICT, "invalid_request_error", "version_conflict", "version",
                "Tenant '" + tenantId + "' was changed by someone else" + current + "; reload it and try again.");
    }

    /** Stored times are kept to microseconds, the precision both databases store. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private record IssuedWithChanges(IssuedKey issued, List<ApiKeyRecord> changedKeys) {
    }
}
