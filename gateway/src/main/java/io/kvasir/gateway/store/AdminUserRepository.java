package io.kvasir.gateway.store;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** The {@code admin_users} table. */
@Repository
public class AdminUserRepository {

    private final DatabaseClient db;

    public AdminUserRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Long> count() {
        return db.sql("SELECT COUNT(*) AS n FROM admin_users").map(row -> Columns.longValue(row, "n")).one();
    }

    public Mono<AdminUserRecord> findByName(String name) {
        return db.sql("SELECT name, password_hash, created_at, updated_at FROM admin_users WHERE name = :name")
                .bind("name", name).map(AdminUserRepository::read).one();
    }

    /** Inserts an admin; a duplicate name fails with {@link org.springframework.dao.DuplicateKeyException}. */
    public Mono<AdminUserRecord> insert(AdminUserRecord admin) {
        return db.sql("INSERT INTO admin_users (name, password_hash, created_at, updated_at)"
                        + " VALUES (:name, :hash, :createdAt, :updatedAt)")
                .bind("name", admin.name()).bind("hash", admin.passwordHash())
                .bind("createdAt", Columns.utc(admin.createdAt())).bind("updatedAt", Columns.utc(admin.updatedAt()))
                .fetch().rowsUpdated().thenReturn(admin);
    }

    /** Replaces an admin's password hash; returns rows changed (0: no such admin). */
    public Mono<Long> updatePassword(String name, String passwordHash, Instant at) {
        return db.sql("UPDATE admin_users SET password_hash = :hash, updated_at = :at WHERE name = :name")
                .bind("hash", passwordHash).bind("at", Columns.utc(at)).bind("name", name).fetch().rowsUpdated();
    }

    static AdminUserRecord read(Readable row) {
        return new AdminUserRecord(Columns.string(row, "name"), Columns.string(row, "password_hash"),
                Columns.instant(row, "created_at"), Columns.instant(row, "updated_at"));
    }
}
