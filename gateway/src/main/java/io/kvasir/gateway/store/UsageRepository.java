package io.kvasir.gateway.store;

import io.r2dbc.spi.Readable;
import java.time.LocalDate;
import java.util.Objects;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code tenant_usage} table: counters per tenant, model and UTC day, only ever incremented.
 *
 * <p>Increments are portable upserts (update, else insert, else update again when another writer inserted the
 * row first), so several gateway replicas can add to the same row.
 */
@Repository
public class UsageRepository {

    private final DatabaseClient db;

    public UsageRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Adds {@code delta}'s counts to its row, creating the row if needed. */
    public Mono<Void> add(UsageRow delta) {
        return increment(delta).flatMap(rows -> rows > 0 ? Mono.<Void>empty() : insert(delta)
                .onErrorResume(DuplicateKeyException.class, raced -> increment(delta).then()));
    }

    private Mono<Long> increment(UsageRow d) {
        return db.sql("UPDATE tenant_usage SET requests = requests + :requests,"
                        + " prompt_tokens = prompt_tokens + :prompt, completion_tokens = completion_tokens + :completion"
                        + " WHERE tenant_id = :tenantId AND model = :model AND usage_date = :date")
                .bind("requests", d.requests()).bind("prompt", d.promptTokens())
                .bind("completion", d.completionTokens()).bind("tenantId", d.tenantId()).bind("model", d.model())
                .bind("date", d.date()).fetch().rowsUpdated();
    }

    private Mono<Void> insert(UsageRow d) {
        return db.sql("INSERT INTO tenant_usage (tenant_id, model, usage_date, requests, prompt_tokens,"
                        + " completion_tokens) VALUES (:tenantId, :model, :date, :requests, :prompt, :completion)")
                .bind("tenantId", d.tenantId()).bind("model", d.model()).bind("date", d.date())
                .bind("requests", d.requests()).bind("prompt", d.promptTokens())
                .bind("completion", d.completionTokens()).fetch().rowsUpdated().then();
    }

    /** One tenant's rows from {@code fromDate} on, oldest day first. */
    public Flux<UsageRow> findByTenant(String tenantId, LocalDate fromDate) {
        return db.sql("SELECT tenant_id, model, usage_date, requests, prompt_tokens, completion_tokens"
                        + " FROM tenant_usage WHERE tenant_id = :tenantId AND usage_date >= :from"
                        + " ORDER BY usage_date, model")
                .bind("tenantId", tenantId).bind("from", fromDate).map(UsageRepository::read).all();
    }

    static UsageRow read(Readable row) {
        return new UsageRow(Columns.string(row, "tenant_id"), Columns.string(row, "model"),
                Objects.requireNonNull(row.get("usage_date", LocalDate.class), "usage_date"),
                Columns.longValue(row, "requests"), Columns.longValue(row, "prompt_tokens"),
                Columns.longValue(row, "completion_tokens"));
    }
}
