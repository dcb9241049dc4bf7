package io.kvasir.gateway.store;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code api_keys} table: hashes and display prefixes, never keys. */
@Repository
public class ApiKeyRepository {

    private static final String COLUMNS = "id, tenant_id, key_prefix, key_hash, created_at, revoked_at";

    private final DatabaseClient db;

    public ApiKeyRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<ApiKeyRecord> insert(ApiKeyRecord key) {
        return Columns.bindTime(db.sql("INSERT INTO api_keys (" + COLUMNS + ")"
                        + " VALUES (:id, :tenantId, :prefix, :hash, :createdAt, :revokedAt)")
                .bind("id", key.id()).bind("tenantId", key.tenantId()).bind("prefix", key.keyPrefix())
                .bind("hash", key.keyHash()).bind("createdAt", Columns.utc(key.createdAt())), "revokedAt", key.revokedAt())
                .fetch().rowsUpdated().thenReturn(key);
    }

    /** The key with this hash, revoked or not; empty when no key has it. */
    public Mono<ApiKeyRecord> findByHash(String keyHash) {
        return db.sql("SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = :hash").bind("hash", keyHash)
                .map(ApiKeyRepository::read).one();
    }

    public Mono<ApiKeyRecord> findById(String id) {
        return db.sql("SELECT " + COLUMNS + " FROM api_keys WHERE id = :id").bind("id", id)
                .map(ApiKeyRepository::read).one();
    }

    /** A tenant's keys, oldest first. */
    public Flux<ApiKeyRecord> findByTenant(String tenantId) {
        return db.sql("SELECT " + COLUMNS + " FROM api_keys WHERE tenant_id = :tenantId ORDER BY created_at, id")
                .bind("tenantId", tenantId).map(ApiKeyRepository::read).all();
    }

    /** Marks a key revoked; a key already revoked keeps its first revocation time. Returns rows changed. */
    public Mono<Long> revoke(String id, Instant at) {
        return db.sql("UPDATE api_keys SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL")
                .bind("at", Columns.utc(at)).bind("id", id).fetch().rowsUpdated();
    }

    static ApiKeyRecord read(Readable row) {
        return new ApiKeyRecord(Columns.string(row, "id"), Columns.string(row, "tenant_id"),
                Columns.string(row, "key_prefix"), Columns.string(row, "key_hash").strip(),
                Columns.instant(row, "created_at"), Columns.nullableInstant(row, "revoked_at"));
    }
}
