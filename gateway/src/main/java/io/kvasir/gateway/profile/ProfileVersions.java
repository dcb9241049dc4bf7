package io.kvasir.gateway.profile;

import io.kvasir.gateway.store.AuditLogRepository;
import io.kvasir.gateway.store.ModelProfileRepository;
import io.kvasir.gateway.store.ProfileVersionRecord;
import io.kvasir.gateway.store.ServedModelRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stored versions of every model's profile, and their audit records. Each new version is one transaction:
 * the model's current version moves from the one the caller read to the next (compare and set), the version row
 * is inserted and one audit record names who, when, the version before and the version after. A writer that read
 * a version another writer has since replaced gets {@link StaleVersionException} and nothing is stored.
 *
 * <p>Blocking: call it off event-loop threads (the admin controllers run it on the bounded-elastic scheduler, the
 * gateway's start on the main thread). Thread-safe; the database arbitrates between writers.
 */
@Component
public class ProfileVersions {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ModelProfileRepository repository;
    private final AuditLogRepository audit;
    private final TransactionalOperator tx;
    private final JsonMapper json;
    private final Clock clock;

    @Autowired
    public ProfileVersions(ModelProfileRepository repository, AuditLogRepository audit,
            ReactiveTransactionManager transactions, JsonMapper json) {
        this(repository, audit, transactions, json, Clock.systemUTC());
    }

    ProfileVersions(ModelProfileRepository repository, AuditLogRepository audit, ReactiveTransactionManager transactions,
            JsonMapper json, Clock clock) {
        this.repository = repository;
        this.audit = audit;
        this.tx = TransactionalOperator.create(transactions);
        this.json = json;
        this.clock = clock;
    }

    /** The version in effect, if the model has a stored profile. */
    public Optional<ProfileVersion> current(String model) {
        return Optional.ofNullable(repository.findCurrent(model).map(ProfileVersions::of).block(TIMEOUT));
    }

    /** One version, if stored. */
    public Optional<ProfileVersion> find(String model, long version) {
        return Optional.ofNullable(repository.findVersion(model, version).map(ProfileVersions::of).block(TIMEOUT));
    }

    /** The newest {@code limit} versions, newest first. */
    public List<ProfileVersion> history(String model, int limit) {
        return repository.history(model, limit).map(ProfileVersions::of).collectList().block(TIMEOUT);
    }

    /** The models loaded through the admin API and not unloaded since, by name. */
    public List<String> loadedByApi() {
        return repository.findLoadedByApi().map(ServedModelRecord::name).collectList().block(TIMEOUT);
    }

    /**
     * Stores {@code profile} as the version after {@code previous}, with its audit record, in one transaction.
     *
     * @param previous the version the change was made against; null for a model with no stored profile
     * @param restoredVersion for a rollback, the version restored
     * @param loadedByApi whether the gateway loads the model again at start besides its properties' models; null
     *        keeps what is stored (false for a new model)
     * @throws StaleVersionException when another writer stored a version after {@code previous} first
     */
    public ProfileVersion record(String model, ProfileChange change, ModelProfile profile, @Nullable ProfileVersion previous,
            @Nullable Long restoredVersion, @Nullable Boolean loadedByApi, String actor) {
        Instant now = now();
        long version = previous == null ? 1 : previous.version() + 1;
        ProfileVersion next = new ProfileVersion(model, version, ProfileJson.write(profile), change, restoredVersion, actor, now);
        Mono<Void> claim = previous == null
                ? repository.insertModel(model, Boolean.TRUE.equals(loadedByApi), now)
                : repository.advance(model, previous.version(), loadedByApi, now)
                        .flatMap(moved -> moved ? Mono.<Void>empty() : Mono.error(stale(model, previous)));
        claim.then(repository.insertVersion(new ProfileVersionRecord(model, version, next.profileJson(), change.id(),
                        restoredVersion, actor, now)))
                .then(appendAudit(actor, now, change.auditAction(), model,
                        previous == null ? null : previous.auditState(), next.auditState()))
                .as(tx::transactional)
                .onErrorMap(DuplicateKeyException.class, e -> stale(model, previous))
                .block(TIMEOUT);
        return next;
    }

    /**
     * Records that an admin unloaded a model: it is no longer loaded at start; its versions stay.
     *
     * @param current the version in effect when it was unloaded
     */
    public void recordUnload(String model, ProfileVersion current, String actor) {
        Instant now = now();
        repository.setLoadedByApi(model, false, now)
                .then(appendAudit(actor, now, "model.unload", model, current.auditState(), null))
                .as(tx::transactional)
                .block(TIMEOUT);
    }

    private Mono<Void> appendAudit(String actor, Instant at, String action, String model,
            @Nullable Map<String, Object> before, @Nullable Map<String, Object> after) {
        return audit.append(actor, at, action, "model:" + model, before == null ? null : json.writeValueAsString(before),
                after == null ? null : json.writeValueAsString(after));
    }

    private static StaleVersionException stale(String model, @Nullable ProfileVersion previous) {
        return new StaleVersionException(model, previous == null ? 0 : previous.version(), -1);
    }

    private Instant now() {
        // Microseconds: what both databases keep, so a version reads back as it was returned.
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static ProfileVersion of(ProfileVersionRecord r) {
        return new ProfileVersion(r.model(), r.version(), r.profileJson(), ProfileChange.ofId(r.changeKind()),
                r.restoredVersion(), r.changedBy(), r.changedAt());
    }
}
