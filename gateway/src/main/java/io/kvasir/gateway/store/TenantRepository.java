package io.kvasir.gateway.store;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code tenants} table. */
@Repository
public class TenantRepository {

    private static final String COLUMNS = "id, name, weight, prefix_group, requests_per_minute, tokens_per_minute,"
            + " max_concurrent, max_queued, created_at, disabled_at, version";

    private final DatabaseClient db;

    public TenantRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Inserts a new tenant; a duplicate id fails with {@link org.springframework.dao.DuplicateKeyException}. */
    public Mono<TenantRecord> insert(TenantRecord tenant) {
        GenericExecuteSpec spec = db.sql("INSERT INTO tenants (" + COLUMNS + ") VALUES (:id, :name, :weight,"
                + " :prefixGroup, :rpm, :tpm, :maxConcurrent, :maxQueued, :createdAt, :disabledAt, :version)");
        return bindAll(spec, tenant).bind("version", tenant.version()).fetch().rowsUpdated().thenReturn(tenant);
    }

    public Mono<TenantRecord> findById(String id) {
        return db.sql("SELECT " + COLUMNS + " FROM tenants WHERE id = :id").bind("id", id)
                .map(TenantRepository::read).one();
    }

    /** Every tenant, by id. */
    public Flux<TenantRecord> findAll() {
        return db.sql("SELECT " + COLUMNS + " FROM tenants ORDER BY id").map(TenantRepository::read).all();
    }

    /**
     * Replaces a tenant's fields if its stored version is still {@code expectedVersion}, and bumps the version.
     *
     * @return the stored tenant after the change, or empty when the version had moved on (or the tenant is gone)
     */
    public Mono<TenantRecord> update(TenantRecord changed, long expectedVersion) {
        GenericExecuteSpec spec = db.sql("UPDATE tenants SET name = :name, weight = :weight,"
                + " prefix_group = :prefixGroup, requests_per_minute = :rpm, tokens_per_minute = :tpm,"
                + " max_concurrent = :maxConcurrent, max_queued = :maxQueued, created_at = :createdAt,"
                + " disabled_at = :disabledAt, version = version + 1 WHERE id = :id AND version = :expected");
        return bindAll(spec, changed).bind("expected", expectedVersion).fetch().rowsUpdated()
                .flatMap(rows -> rows == 1 ? findById(changed.id()) : Mono.empty());
    }

    private static GenericExecuteSpec bindAll(GenericExecuteSpec spec, TenantRecord t) {
        spec = spec.bind("id", t.id()).bind("name", t.name()).bind("weight", t.weight())
                .bind("rpm", t.limits().requestsPerMinute()).bind("tpm", t.limits().tokensPerMinute())
                .bind("maxConcurrent", t.limits().maxConcurrent()).bind("maxQueued", t.limits().maxQueued())
                .bind("createdAt", Columns.utc(t.createdAt()));
        spec = Columns.bind(spec, "prefixGroup", t.prefixGroup(), String.class);
        return Columns.bindTime(spec, "disabledAt", t.disabledAt());
    }

    static TenantRecord read(Readable row) {
        TenantLimits limits = new TenantLimits(
                (int) Columns.longValue(row, "requests_per_minute"), Columns.longValue(row, "tokens_per_minute"),
                (int) Columns.longValue(row, "max_concurrent"), (int) Columns.longValue(row, "max_queued"));
        Number weight = row.get("weight", Number.class);
        return new TenantRecord(Columns.string(row, "id"), Columns.string(row, "name"),
                weight == null ? 1.0 : weight.doubleValue(), row.get("prefix_group", String.class), limits,
                Columns.instant(row, "created_at"), Columns.nullableInstant(row, "disabled_at"),
                Columns.longValue(row, "version"));
    }
}
