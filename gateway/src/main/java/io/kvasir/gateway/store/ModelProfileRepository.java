package io.kvasir.gateway.store;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code served_models} and {@code model_profile_versions} tables. A model's current version moves only by
 * {@link #advance}, a compare-and-set on the version the caller read, and every version row is inserted once:
 * two writers that read the same version cannot both store the next one.
 */
@Repository
public class ModelProfileRepository {

    private static final String VERSION_COLUMNS =
            "model, version, profile_json, change_kind, restored_version, changed_by, changed_at";

    private final DatabaseClient db;

    public ModelProfileRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<ServedModelRecord> findModel(String name) {
        return db.sql("SELECT name, current_version, loaded_by_api, updated_at FROM served_models WHERE name = :name")
                .bind("name", name).map(ModelProfileRepository::readModel).one();
    }

    /** The models loaded through the admin API and not unloaded since, by name. */
    public Flux<ServedModelRecord> findLoadedByApi() {
        return db.sql("SELECT name, current_version, loaded_by_api, updated_at FROM served_models"
                        + " WHERE loaded_by_api = TRUE ORDER BY name")
                .map(ModelProfileRepository::readModel).all();
    }

    /** Inserts a model at version 1; a name already stored fails with {@link org.springframework.dao.DuplicateKeyException}. */
    public Mono<Void> insertModel(String name, boolean loadedByApi, Instant at) {
        return db.sql("INSERT INTO served_models (name, current_version, loaded_by_api, updated_at)"
                        + " VALUES (:name, 1, :loadedByApi, :at)")
                .bind("name", name).bind("loadedByApi", loadedByApi).bind("at", Columns.utc(at))
                .fetch().rowsUpdated().then();
    }

    /**
     * Moves a model from {@code expectedVersion} to {@code expectedVersion + 1}.
     *
     * @param loadedByApi the model's new flag, or null to keep it
     * @return whether it moved: false when the stored version is no longer {@code expectedVersion}
     */
    public Mono<Boolean> advance(String name, long expectedVersion, @Nullable Boolean loadedByApi, Instant at) {
        GenericExecuteSpec spec = db.sql("UPDATE served_models SET current_version = current_version + 1,"
                        + (loadedByApi == null ? "" : " loaded_by_api = :loadedByApi,")
                        + " updated_at = :at WHERE name = :name AND current_version = :expected")
                .bind("name", name).bind("expected", expectedVersion).bind("at", Columns.utc(at));
        if (loadedByApi != null) {
            spec = spec.bind("loadedByApi", loadedByApi);
        }
        return spec.fetch().rowsUpdated().map(rows -> rows == 1);
    }

    /** Sets whether the gateway loads the model again at start, without a new version. */
    public Mono<Void> setLoadedByApi(String name, boolean loadedByApi, Instant at) {
        return db.sql("UPDATE served_models SET loaded_by_api = :loadedByApi, updated_at = :at WHERE name = :name")
                .bind("name", name).bind("loadedByApi", loadedByApi).bind("at", Columns.utc(at))
                .fetch().rowsUpdated().then();
    }

    /** Inserts a version; one already stored fails with {@link org.springframework.dao.DuplicateKeyException}. */
    public Mono<Void> insertVersion(ProfileVersionRecord v) {
        GenericExecuteSpec spec = db.sql("INSERT INTO model_profile_versions (" + VERSION_COLUMNS + ") VALUES (:model,"
                        + " :version, :profile, :change, :restored, :changedBy, :changedAt)")
                .bind("model", v.model()).bind("version", v.version()).bind("profile", v.profileJson())
                .bind("change", v.changeKind()).bind("changedBy", v.changedBy()).bind("changedAt", Columns.utc(v.changedAt()));
        return Columns.bind(spec, "restored", v.restoredVersion(), Long.class).fetch().rowsUpdated().then();
    }

    public Mono<ProfileVersionRecord> findVersion(String model, long version) {
        return db.sql("SELECT " + VERSION_COLUMNS + " FROM model_profile_versions WHERE model = :model AND version = :version")
                .bind("model", model).bind("version", version).map(ModelProfileRepository::readVersion).one();
    }

    /** The version in effect. */
    public Mono<ProfileVersionRecord> findCurrent(String model) {
        return db.sql("SELECT v.model, v.version, v.profile_json, v.change_kind, v.restored_version, v.changed_by,"
                        + " v.changed_at FROM model_profile_versions v JOIN served_models m"
                        + " ON v.model = m.name AND v.version = m.current_version WHERE m.name = :model")
                .bind("model", model).map(ModelProfileRepository::readVersion).one();
    }

    /** The newest {@code limit} versions, newest first. */
    public Flux<ProfileVersionRecord> history(String model, int limit) {
        return db.sql("SELECT " + VERSION_COLUMNS + " FROM model_profile_versions WHERE model = :model"
                        + " ORDER BY version DESC LIMIT :limit")
                .bind("model", model).bind("limit", limit).map(ModelProfileRepository::readVersion).all();
    }

    private static ServedModelRecord readModel(Readable row) {
        Boolean loaded = row.get("loaded_by_api", Boolean.class);
        return new ServedModelRecord(Columns.string(row, "name"), Columns.longValue(row, "current_version"),
                Boolean.TRUE.equals(loaded), Columns.instant(row, "updated_at"));
    }

    private static ProfileVersionRecord readVersion(Readable row) {
        Number restored = row.get("restored_version", Number.class);
        return new ProfileVersionRecord(Columns.string(row, "model"), Columns.longValue(row, "version"),
                Columns.string(row, "profile_json"), Columns.string(row, "change_kind"),
                restored == null ? null : restored.longValue(), Columns.string(row, "changed_by"),
                Columns.instant(row, "changed_at"));
    }
}
