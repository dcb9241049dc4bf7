-- Model profiles: every served model's current profile version, and every version ever put in effect.
-- One migration for both stores (embedded H2 and PostgreSQL): portable SQL only. Numbered apart from the
-- tenant migrations so the two series can grow independently.

CREATE TABLE served_models (
    name            VARCHAR(200)             NOT NULL PRIMARY KEY,
    -- The version in effect: the highest one of the model. Moves only from the version an admin last saw
    -- (compare and set), so concurrent changes are refused with 409.
    current_version BIGINT                   NOT NULL,
    -- Loaded through the admin API and not unloaded since: the gateway loads it again at start.
    loaded_by_api   BOOLEAN                  NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT served_models_version_positive CHECK (current_version >= 1)
);

CREATE TABLE model_profile_versions (
    model            VARCHAR(200)             NOT NULL REFERENCES served_models (name),
    version          BIGINT                   NOT NULL,
    -- The profile as validated (plugin configurations complete), as JSON text.
    profile_json     VARCHAR(100000)          NOT NULL,
    -- initial | apply | rollback | load | fallback
    change_kind      VARCHAR(16)              NOT NULL,
    -- For a rollback: the version whose profile was restored.
    restored_version BIGINT,
    changed_by       VARCHAR(64)              NOT NULL,
    changed_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (model, version)
);
