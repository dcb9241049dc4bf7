package io.kvasir.gateway.store;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code audit_log} table: appended to in the same transaction as the change it records, never updated. */
@Repository
public class AuditLogRepository {

    private final DatabaseClient db;

    public AuditLogRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Appends one record. */
    public Mono<Void> append(String actor, Instant at, String action, String target, @Nullable String beforeJson,
            @Nullable String afterJson) {
        var spec = db.sql("INSERT INTO audit_log (actor, occurred_at, action, target, before_json, after_json)"
                        + " VALUES (:actor, :at, :action, :target, :before, :after)")
                .bind("actor", actor).bind("at", Columns.utc(at)).bind("action", action).bind("target", target);
        spec = Columns.bind(spec, "before", beforeJson, String.class);
        spec = Columns.bind(spec, "after", afterJson, String.class);
        return spec.fetch().rowsUpdated().then();
    }

    /** The newest {@code limit} records, newest first. */
    public Flux<AuditEntry> recent(int limit) {
        return db.sql("SELECT id, actor, occurred_at, action, target, before_json, after_json FROM audit_log"
                        + " ORDER BY id DESC LIMIT :limit")
                .bind("limit", limit).map(AuditLogRepository::read).all();
    }

    static AuditEntry read(Readable row) {
        return new AuditEntry(Columns.longValue(row, "id"), Columns.string(row, "actor"),
                Columns.instant(row, "occurred_at"), Columns.string(row, "action"), Columns.string(row, "target"),
                row.get("before_json", String.class), row.get("after_json", String.class));
    }
}
