-- Sharpflow schema for PostgreSQL: the catalog MLflow 3.11 (alembic head 7d34483879f0)
-- creates, so MLflow and Sharpflow can open each other's databases unchanged.
-- SchemaEqualityTests prove the equality against the fixtures; edit both together.
--
-- Objects are created unqualified, i.e. in the connection's current schema (normally
-- public). Constraint names are spelled out even where MLflow left them to PostgreSQL
-- (<table>_<column>_fkey, runs_status_check): the generated names are what MLflow's
-- databases contain, and writing them keeps them independent of naming rules.
-- CHECKs are written as IN (...) on purpose: PostgreSQL stores that as
-- "(col)::text = ANY ((ARRAY[...])::text[])", exactly what MLflow's databases hold.
-- Statements end with ';'; SchemaScripts splits them (dollar-quoted bodies stay whole).
-- The "Default" experiment (id 0) is not created here; the server inserts it.

-- ---------------------------------------------------------------- experiments & runs

-- SERIAL = integer + sequence experiments_experiment_id_seq (starts at 1, owned by the
-- column). Inserting experiment 0 explicitly does not advance the sequence.
CREATE TABLE experiments (
    experiment_id     serial                 NOT NULL,
    name              character varying(256) NOT NULL,
    artifact_location character varying(256),
    lifecycle_stage   character varying(32),
    creation_time     bigint,
    last_update_time  bigint,
    workspace         character varying(63)  DEFAULT 'default' NOT NULL,
    CONSTRAINT experiment_pk PRIMARY KEY (experiment_id),
    CONSTRAINT experiments_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')),
    CONSTRAINT uq_experiments_workspace_name UNIQUE (workspace, name)
);
CREATE INDEX idx_experiments_workspace ON experiments (workspace);
CREATE INDEX idx_experiments_workspace_creation_time ON experiments (workspace, creation_time);

CREATE TABLE experiment_tags (
    key           character varying(250)  NOT NULL,
    value         character varying(5000),
    experiment_id integer                 NOT NULL,
    CONSTRAINT experiment_tag_pk PRIMARY KEY (key, experiment_id),
    CONSTRAINT experiment_tags_experiment_id_fkey FOREIGN KEY (experiment_id)
        REFERENCES experiments (experiment_id)
);

CREATE TABLE runs (
    run_uuid         character varying(32)  NOT NULL,
    name             character varying(250),
    source_type      character varying(20),
    source_name      character varying(500),
    entry_point_name character varying(50),
    user_id          character varying(256),
    status           character varying(9),
    start_time       bigint,
    end_time         bigint,
    source_version   character varying(50),
    lifecycle_stage  character varying(20),
    artifact_uri     character varying(200),
    experiment_id    integer,
    deleted_time     bigint,
    CONSTRAINT run_pk PRIMARY KEY (run_uuid),
    CONSTRAINT runs_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')),
    CONSTRAINT runs_status_check CHECK (status IN ('SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING', 'KILLED')),
    CONSTRAINT source_type CHECK (source_type IN ('NOTEBOOK', 'JOB', 'LOCAL', 'UNKNOWN', 'PROJECT')),
    CONSTRAINT runs_experiment_id_fkey FOREIGN KEY (experiment_id)
        REFERENCES experiments (experiment_id)
);

-- Every column is in the primary key (MLflow drops exact duplicates before inserting).
-- Unlike SQLite, booleans are native here, so there is no is_nan IN (0, 1) check.
CREATE TABLE metrics (
    key         character varying(250) NOT NULL,
    value       double precision       NOT NULL,
    "timestamp" bigint                 NOT NULL,
    run_uuid    character varying(32)  NOT NULL,
    step        bigint                 DEFAULT '0'::bigint NOT NULL,
    is_nan      boolean                DEFAULT false NOT NULL,
    CONSTRAINT metric_pk PRIMARY KEY (key, "timestamp", step, run_uuid, value, is_nan),
    CONSTRAINT metrics_run_uuid_fkey FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid)
);
CREATE INDEX index_metrics_run_uuid ON metrics (run_uuid);
CREATE INDEX index_metrics_run_uuid_key_step ON metrics (run_uuid, key, step);

CREATE TABLE latest_metrics (
    key         character varying(250) NOT NULL,
    value       double precision       NOT NULL,
    "timestamp" bigint,
    step        bigint                 NOT NULL,
    is_nan      boolean                NOT NULL,
    run_uuid    character varying(32)  NOT NULL,
    CONSTRAINT latest_metric_pk PRIMARY KEY (key, run_uuid),
    CONSTRAINT latest_metrics_run_uuid_fkey FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid)
);
CREATE INDEX index_latest_metrics_run_uuid ON latest_metrics (run_uuid);

CREATE TABLE params (
    key      character varying(250)  NOT NULL,
    value    character varying(8000) NOT NULL,
    run_uuid character varying(32)   NOT NULL,
    CONSTRAINT param_pk PRIMARY KEY (key, run_uuid),
    CONSTRAINT params_run_uuid_fkey FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid)
);
CREATE INDEX index_params_run_uuid ON params (run_uuid);

CREATE TABLE tags (
    key      character varying(250)  NOT NULL,
    value    character varying(8000),
    run_uuid character varying(32)   NOT NULL,
    CONSTRAINT tag_pk PRIMARY KEY (key, run_uuid),
    CONSTRAINT tags_run_uuid_fkey FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid)
);
CREATE INDEX index_tags_run_uuid ON tags (run_uuid);

CREATE TABLE datasets (
    dataset_uuid        character varying(36)  NOT NULL,
    experiment_id       integer                NOT NULL,
    name                character varying(500) NOT NULL,
    digest              character varying(36)  NOT NULL,
    dataset_source_type character varying(36)  NOT NULL,
    dataset_source      text                   NOT NULL,
    dataset_schema      text,
    dataset_profile     text,
    CONSTRAINT dataset_pk PRIMARY KEY (experiment_id, name, digest),
    CONSTRAINT fk_datasets_experiment_id_experiments FOREIGN KEY (experiment_id)
        REFERENCES experiments (experiment_id) ON DELETE CASCADE
);
CREATE INDEX index_datasets_dataset_uuid ON datasets (dataset_uuid);
CREATE INDEX index_datasets_experiment_id_dataset_source_type ON datasets (experiment_id, dataset_source_type);

-- inputs/input_tags link datasets and logged models to runs; polymorphic, so no foreign keys.
CREATE TABLE inputs (
    input_uuid       character varying(36) NOT NULL,
    source_type      character varying(36) NOT NULL,
    source_id        character varying(36) NOT NULL,
    destination_type character varying(36) NOT NULL,
    destination_id   character varying(36) NOT NULL,
    step             bigint                DEFAULT '0'::bigint NOT NULL,
    CONSTRAINT inputs_pk PRIMARY KEY (source_type, source_id, destination_type, destination_id)
);
CREATE INDEX index_inputs_input_uuid ON inputs (input_uuid);
CREATE INDEX index_inputs_destination_type_destination_id_source_type ON inputs (destination_type, destination_id, source_type);

CREATE TABLE input_tags (
    input_uuid character varying(36)  NOT NULL,
    name       character varying(255) NOT NULL,
    value      character varying(500) NOT NULL,
    CONSTRAINT input_tags_pk PRIMARY KEY (input_uuid, name)
);

-- ---------------------------------------------------------------- logged models

CREATE TABLE logged_models (
    model_id                  character varying(36)   NOT NULL,
    experiment_id             integer                 NOT NULL,
    name                      character varying(500)  NOT NULL,
    artifact_location         character varying(1000) NOT NULL,
    creation_timestamp_ms     bigint                  NOT NULL,
    last_updated_timestamp_ms bigint                  NOT NULL,
    status                    integer                 NOT NULL,
    lifecycle_stage           character varying(32),
    model_type                character varying(500),
    source_run_id             character varying(32),
    status_message            character varying(1000),
    CONSTRAINT logged_models_pk PRIMARY KEY (model_id),
    CONSTRAINT logged_models_lifecycle_stage_check CHECK (lifecycle_stage IN ('active', 'deleted')),
    CONSTRAINT fk_logged_models_experiment_id FOREIGN KEY (experiment_id)
        REFERENCES experiments (experiment_id) ON DELETE CASCADE
);

CREATE TABLE logged_model_metrics (
    model_id            character varying(36)  NOT NULL,
    metric_name         character varying(500) NOT NULL,
    metric_timestamp_ms bigint                 NOT NULL,
    metric_step         bigint                 NOT NULL,
    metric_value        double precision,
    experiment_id       integer                NOT NULL,
    run_id              character varying(32)  NOT NULL,
    dataset_uuid        character varying(36),
    dataset_name        character varying(500),
    dataset_digest      character varying(36),
    CONSTRAINT logged_model_metrics_pk PRIMARY KEY (model_id, metric_name, metric_timestamp_ms, metric_step, run_id),
    CONSTRAINT fk_logged_model_metrics_experiment_id FOREIGN KEY (experiment_id)
        REFERENCES experiments (experiment_id),
    CONSTRAINT fk_logged_model_metrics_model_id FOREIGN KEY (model_id)
        REFERENCES logged_models (model_id) ON DELETE CASCADE,
    CONSTRAINT fk_logged_model_metrics_run_id FOREIGN KEY (run_id)
        REFERENCES runs (run_uuid) ON DELETE CASCADE
);
CREATE INDEX index_logged_model_metrics_model_id ON logged_model_metrics (model_id);

CREATE TABLE logged_model_params (
    model_id      character varying(36)  NOT NULL,
    experiment_id integer                NOT NULL,
    param_key     character varying(255) NOT NULL,
    param_value   text                   NOT NULL,
    CONSTRAINT logged_model_params_pk PRIMARY KEY (model_id, param_key),
    CONSTRAINT fk_logged_model_params_experiment_id FOREIGN KEY (experiment_id)
        REFERENCES experiments (experiment_id),
    CONSTRAINT fk_logged_model_params_model_id FOREIGN KEY (model_id)
        REFERENCES logged_models (model_id) ON DELETE CASCADE
);

CREATE TABLE logged_model_tags (
    model_id      character varying(36)  NOT NULL,
    experiment_id integer                NOT NULL,
    tag_key       character varying(255) NOT NULL,
    tag_value     text                   NOT NULL,
    CONSTRAINT logged_model_tags_pk PRIMARY KEY (model_id, tag_key),
    CONSTRAINT fk_logged_model_tags_experiment_id FOREIGN KEY (experiment_id)
        REFERENCES experiments (experiment_id),
    CONSTRAINT fk_logged_model_tags_model_id FOREIGN KEY (model_id)
        REFERENCES logged_models (model_id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------- traces

-- request_id is the trace id ("tr-..."); the name predates MLflow's trace-id rename.
CREATE TABLE trace_info (
    request_id        character varying(50)   NOT NULL,
    experiment_id     integer                 NOT NULL,
    timestamp_ms      bigint                  NOT NULL,
    execution_time_ms bigint,
    status            character varying(50)   NOT NULL,
    client_request_id character varying(50),
    request_preview   character varying(1000),
    response_preview  character varying(1000),
    CONSTRAINT trace_info_pk PRIMARY KEY (request_id),
    CONSTRAINT fk_trace_info_experiment_id FOREIGN KEY (experiment_id)
        REFERENCES experiments (experiment_id)
);
CREATE INDEX index_trace_info_experiment_id_timestamp_ms ON trace_info (experiment_id, timestamp_ms);

CREATE TABLE trace_tags (
    key        character varying(250)  NOT NULL,
    value      character varying(8000),
    request_id character varying(50)   NOT NULL,
    CONSTRAINT trace_tag_pk PRIMARY KEY (key, request_id),
    CONSTRAINT fk_trace_tags_request_id FOREIGN KEY (request_id)
        REFERENCES trace_info (request_id) ON DELETE CASCADE
);
CREATE INDEX index_trace_tags_request_id ON trace_tags (request_id);

CREATE TABLE trace_request_metadata (
    key        character varying(250)  NOT NULL,
    value      character varying(8000),
    request_id character varying(50)   NOT NULL,
    CONSTRAINT trace_request_metadata_pk PRIMARY KEY (key, request_id),
    CONSTRAINT fk_trace_request_metadata_request_id FOREIGN KEY (request_id)
        REFERENCES trace_info (request_id) ON DELETE CASCADE
);
CREATE INDEX index_trace_request_metadata_request_id ON trace_request_metadata (request_id);

CREATE TABLE trace_metrics (
    request_id character varying(50)  NOT NULL,
    key        character varying(250) NOT NULL,
    value      double precision,
    CONSTRAINT trace_metrics_pk PRIMARY KEY (request_id, key),
    CONSTRAINT fk_trace_metrics_request_id FOREIGN KEY (request_id)
        REFERENCES trace_info (request_id) ON DELETE CASCADE
);
CREATE INDEX index_trace_metrics_request_id ON trace_metrics (request_id);

-- run_id deliberately has no foreign key: MLflow declares none, so assessments may outlive runs.
CREATE TABLE assessments (
    assessment_id          character varying(50)  NOT NULL,
    trace_id               character varying(50)  NOT NULL,
    name                   character varying(250) NOT NULL,
    assessment_type        character varying(20)  NOT NULL,
    value                  text                   NOT NULL,
    error                  text,
    created_timestamp      bigint                 NOT NULL,
    last_updated_timestamp bigint                 NOT NULL,
    source_type            character varying(50)  NOT NULL,
    source_id              character varying(250),
    run_id                 character varying(32),
    span_id                character varying(50),
    rationale              text,
    overrides              character varying(50),
    valid                  boolean                NOT NULL,
    assessment_metadata    text,
    CONSTRAINT assessments_pk PRIMARY KEY (assessment_id),
    CONSTRAINT fk_assessments_trace_id FOREIGN KEY (trace_id)
        REFERENCES trace_info (request_id) ON DELETE CASCADE
);
CREATE INDEX index_assessments_trace_id_created_timestamp ON assessments (trace_id, created_timestamp);
CREATE INDEX index_assessments_run_id_created_timestamp ON assessments (run_id, created_timestamp);
CREATE INDEX index_assessments_last_updated_timestamp ON assessments (last_updated_timestamp);
CREATE INDEX index_assessments_assessment_type ON assessments (assessment_type);

-- duration_ns is computed by the database: never write it (an INSERT naming it fails).
CREATE TABLE spans (
    trace_id             character varying(50)  NOT NULL,
    experiment_id        integer                NOT NULL,
    span_id              character varying(50)  NOT NULL,
    parent_span_id       character varying(50),
    name                 text,
    type                 character varying(500),
    status               character varying(50)  NOT NULL,
    start_time_unix_nano bigint                 NOT NULL,
    end_time_unix_nano   bigint,
    duration_ns          bigint GENERATED ALWAYS AS (end_time_unix_nano - start_time_unix_nano) STORED,
    content              text                   NOT NULL,
    dimension_attributes json,
    CONSTRAINT spans_pk PRIMARY KEY (trace_id, span_id),
    CONSTRAINT fk_spans_trace_id FOREIGN KEY (trace_id)
        REFERENCES trace_info (request_id) ON DELETE CASCADE,
    CONSTRAINT fk_spans_experiment_id FOREIGN KEY (experiment_id)
        REFERENCES experiments (experiment_id)
);
CREATE INDEX index_spans_experiment_id ON spans (experiment_id);
CREATE INDEX index_spans_experiment_id_status_type ON spans (experiment_id, status, type);
CREATE INDEX index_spans_experiment_id_type_status ON spans (experiment_id, type, status);
CREATE INDEX index_spans_experiment_id_duration ON spans (experiment_id, duration_ns);

CREATE TABLE span_metrics (
    trace_id character varying(50)  NOT NULL,
    span_id  character varying(50)  NOT NULL,
    key      character varying(250) NOT NULL,
    value    double precision,
    CONSTRAINT span_metrics_pk PRIMARY KEY (trace_id, span_id, key),
    CONSTRAINT fk_span_metrics_span FOREIGN KEY (trace_id, span_id)
        REFERENCES spans (trace_id, span_id) ON DELETE CASCADE
);
CREATE INDEX index_span_metrics_trace_id_span_id ON span_metrics (trace_id, span_id);

-- Polymorphic source -> destination links between entities, hence no foreign keys.
CREATE TABLE entity_associations (
    association_id   character varying(36) NOT NULL,
    source_type      character varying(36) NOT NULL,
    source_id        character varying(36) NOT NULL,
    destination_type character varying(36) NOT NULL,
    destination_id   character varying(36) NOT NULL,
    created_time     bigint,
    CONSTRAINT entity_associations_pk PRIMARY KEY (source_type, source_id, destination_type, destination_id)
);
CREATE INDEX index_entity_associations_association_id ON entity_associations (association_id);
CREATE INDEX index_entity_associations_reverse_lookup ON entity_associations (destination_type, destination_id, source_type, source_id);

-- ---------------------------------------------------------------- model registry

-- Registry rows are keyed by (workspace, name); children follow renames via ON UPDATE CASCADE.
CREATE TABLE registered_models (
    name              character varying(256)  NOT NULL,
    creation_time     bigint,
    last_updated_time bigint,
    description       character varying(5000),
    workspace         character varying(63)   DEFAULT 'default' NOT NULL,
    CONSTRAINT registered_model_pk PRIMARY KEY (workspace, name)
);
CREATE INDEX idx_registered_models_workspace ON registered_models (workspace);

CREATE TABLE model_versions (
    name              character varying(256)  NOT NULL,
    version           integer                 NOT NULL,
    creation_time     bigint,
    last_updated_time bigint,
    description       character varying(5000),
    user_id           character varying(256),
    current_stage     character varying(20),
    source            character varying(500),
    run_id            character varying(32),
    status            character varying(20),
    status_message    character varying(500),
    run_link          character varying(500),
    storage_location  character varying(500),
    workspace         character varying(63)   DEFAULT 'default' NOT NULL,
    CONSTRAINT model_version_pk PRIMARY KEY (workspace, name, version),
    CONSTRAINT fk_model_versions_registered_models FOREIGN KEY (workspace, name)
        REFERENCES registered_models (workspace, name) ON UPDATE CASCADE
);

CREATE TABLE registered_model_tags (
    key       character varying(250)  NOT NULL,
    value     character varying(5000),
    name      character varying(256)  NOT NULL,
    workspace character varying(63)   DEFAULT 'default' NOT NULL,
    CONSTRAINT registered_model_tag_pk PRIMARY KEY (workspace, key, name),
    CONSTRAINT fk_registered_model_tags_registered_models FOREIGN KEY (workspace, name)
        REFERENCES registered_models (workspace, name) ON UPDATE CASCADE
);
CREATE INDEX idx_registered_model_tags_workspace_name ON registered_model_tags (workspace, name);

CREATE TABLE model_version_tags (
    key       character varying(250) NOT NULL,
    value     text,
    name      character varying(256) NOT NULL,
    version   integer                NOT NULL,
    workspace character varying(63)  DEFAULT 'default' NOT NULL,
    CONSTRAINT model_version_tag_pk PRIMARY KEY (workspace, key, name, version),
    CONSTRAINT fk_model_version_tags_model_versions FOREIGN KEY (workspace, name, version)
        REFERENCES model_versions (workspace, name, version) ON UPDATE CASCADE
);
CREATE INDEX idx_model_version_tags_workspace_name_version ON model_version_tags (workspace, name, version);

-- The only registry child that also cascades deletes.
CREATE TABLE registered_model_aliases (
    alias     character varying(256) NOT NULL,
    version   integer                NOT NULL,
    name      character varying(256) NOT NULL,
    workspace character varying(63)  DEFAULT 'default' NOT NULL,
    CONSTRAINT registered_model_alias_pk PRIMARY KEY (workspace, name, alias),
    CONSTRAINT fk_registered_model_aliases_registered_models FOREIGN KEY (workspace, name)
        REFERENCES registered_models (workspace, name) ON DELETE CASCADE ON UPDATE CASCADE
);

-- ---------------------------------------------------------------- webhooks

CREATE TABLE webhooks (
    webhook_id             character varying(256)  NOT NULL,
    name                   character varying(256)  NOT NULL,
    description            character varying(1000),
    url                    character varying(500)  NOT NULL,
    status                 character varying(20)   DEFAULT 'ACTIVE' NOT NULL,
    secret                 character varying(1000),
    creation_timestamp     bigint,
    last_updated_timestamp bigint,
    deleted_timestamp      bigint,
    workspace              character varying(63)   DEFAULT 'default' NOT NULL,
    CONSTRAINT webhook_pk PRIMARY KEY (webhook_id)
);
CREATE INDEX idx_webhooks_status ON webhooks (status);
CREATE INDEX idx_webhooks_name ON webhooks (name);
CREATE INDEX idx_webhooks_workspace ON webhooks (workspace);

CREATE TABLE webhook_events (
    webhook_id character varying(256) NOT NULL,
    entity     character varying(50)  NOT NULL,
    action     character varying(50)  NOT NULL,
    CONSTRAINT webhook_event_pk PRIMARY KEY (webhook_id, entity, action),
    CONSTRAINT webhook_events_webhook_id_fkey FOREIGN KEY (webhook_id)
        REFERENCES webhooks (webhook_id) ON DELETE CASCADE
);
CREATE INDEX idx_webhook_events_entity ON webhook_events (entity);
CREATE INDEX idx_webhook_events_action ON webhook_events (action);
CREATE INDEX idx_webhook_events_entity_action ON webhook_events (entity, action);

-- ---------------------------------------------------------------- scorers & evaluation

CREATE TABLE scorers (
    experiment_id integer                NOT NULL,
    scorer_name   character varying(256) NOT NULL,
    scorer_id     character varying(36)  NOT NULL,
    CONSTRAINT scorer_pk PRIMARY KEY (scorer_id),
    CONSTRAINT fk_scorers_experiment_id FOREIGN KEY (experiment_id)
        REFERENCES experiments (experiment_id) ON DELETE CASCADE
);
-- A unique index, not a UNIQUE constraint (the two differ in the catalog).
CREATE UNIQUE INDEX index_scorers_experiment_id_scorer_name ON scorers (experiment_id, scorer_name);

CREATE TABLE scorer_versions (
    scorer_id         character varying(36) NOT NULL,
    scorer_version    integer               NOT NULL,
    serialized_scorer text                  NOT NULL,
    creation_time     bigint,
    CONSTRAINT scorer_version_pk PRIMARY KEY (scorer_id, scorer_version),
    CONSTRAINT fk_scorer_versions_scorer_id FOREIGN KEY (scorer_id)
        REFERENCES scorers (scorer_id) ON DELETE CASCADE
);
CREATE INDEX index_scorer_versions_scorer_id ON scorer_versions (scorer_id);

CREATE TABLE online_scoring_configs (
    online_scoring_config_id character varying(36) NOT NULL,
    scorer_id                character varying(36) NOT NULL,
    sample_rate              double precision      NOT NULL,
    experiment_id            integer               NOT NULL,
    filter_string            text,
    CONSTRAINT online_scoring_config_pk PRIMARY KEY (online_scoring_config_id),
    CONSTRAINT fk_online_scoring_configs_scorer_id FOREIGN KEY (scorer_id)
        REFERENCES scorers (scorer_id) ON DELETE CASCADE,
    CONSTRAINT fk_online_scoring_configs_experiment_id FOREIGN KEY (experiment_id)
        REFERENCES experiments (experiment_id)
);

CREATE TABLE evaluation_datasets (
    dataset_id       character varying(36)  NOT NULL,
    name             character varying(255) NOT NULL,
    schema           text,
    profile          text,
    digest           character varying(64),
    created_time     bigint,
    last_update_time bigint,
    created_by       character varying(255),
    last_updated_by  character varying(255),
    workspace        character varying(63)  DEFAULT 'default' NOT NULL,
    CONSTRAINT evaluation_datasets_pk PRIMARY KEY (dataset_id)
);
CREATE INDEX index_evaluation_datasets_name ON evaluation_datasets (name);
CREATE INDEX index_evaluation_datasets_created_time ON evaluation_datasets (created_time);
CREATE INDEX idx_evaluation_datasets_workspace ON evaluation_datasets (workspace);

CREATE TABLE evaluation_dataset_tags (
    dataset_id character varying(36)   NOT NULL,
    key        character varying(255)  NOT NULL,
    value      character varying(5000),
    CONSTRAINT evaluation_dataset_tags_pk PRIMARY KEY (dataset_id, key),
    CONSTRAINT fk_evaluation_dataset_tags_dataset_id FOREIGN KEY (dataset_id)
        REFERENCES evaluation_datasets (dataset_id) ON DELETE CASCADE
);
CREATE INDEX index_evaluation_dataset_tags_dataset_id ON evaluation_dataset_tags (dataset_id);

-- json, not jsonb: the text is kept verbatim (key order, whitespace) and has no equality operator.
CREATE TABLE evaluation_dataset_records (
    dataset_record_id character varying(36)  NOT NULL,
    dataset_id        character varying(36)  NOT NULL,
    inputs            json                   NOT NULL,
    expectations      json,
    tags              json,
    source            json,
    source_id         character varying(36),
    source_type       character varying(255),
    created_time      bigint,
    last_update_time  bigint,
    created_by        character varying(255),
    last_updated_by   character varying(255),
    input_hash        character varying(64)  NOT NULL,
    outputs           json,
    CONSTRAINT evaluation_dataset_records_pk PRIMARY KEY (dataset_record_id),
    CONSTRAINT fk_evaluation_dataset_records_dataset_id FOREIGN KEY (dataset_id)
        REFERENCES evaluation_datasets (dataset_id) ON DELETE CASCADE,
    CONSTRAINT unique_dataset_input UNIQUE (dataset_id, input_hash)
);
CREATE INDEX index_evaluation_dataset_records_dataset_id ON evaluation_dataset_records (dataset_id);

CREATE TABLE issues (
    issue_id               character varying(36)  NOT NULL,
    experiment_id          integer                NOT NULL,
    name                   character varying(250) NOT NULL,
    description            text                   NOT NULL,
    status                 character varying(50)  NOT NULL,
    severity               character varying(50),
    root_causes            text,
    source_run_id          character varying(32),
    categories             text,
    created_timestamp      bigint                 NOT NULL,
    last_updated_timestamp bigint                 NOT NULL,
    created_by             character varying(255),
    CONSTRAINT issues_pk PRIMARY KEY (issue_id),
    CONSTRAINT fk_issues_experiment_id FOREIGN KEY (experiment_id)
        REFERENCES experiments (experiment_id) ON DELETE CASCADE,
    CONSTRAINT fk_issues_source_run_id FOREIGN KEY (source_run_id)
        REFERENCES runs (run_uuid) ON DELETE SET NULL
);
CREATE INDEX index_issues_experiment_id ON issues (experiment_id);
CREATE INDEX index_issues_source_run_id ON issues (source_run_id);
CREATE INDEX index_issues_status ON issues (status);

-- ---------------------------------------------------------------- AI gateway

CREATE TABLE secrets (
    secret_id       character varying(36)  NOT NULL,
    secret_name     character varying(255) NOT NULL,
    encrypted_value bytea                  NOT NULL,
    wrapped_dek     bytea                  NOT NULL,
    kek_version     integer                NOT NULL,
    masked_value    character varying(500) NOT NULL,
    provider        character varying(64),
    auth_config     text,
    description     text,
    created_by      character varying(255),
    created_at      bigint                 NOT NULL,
    last_updated_by character varying(255),
    last_updated_at bigint                 NOT NULL,
    workspace       character varying(63)  DEFAULT 'default' NOT NULL,
    CONSTRAINT secrets_pk PRIMARY KEY (secret_id),
    CONSTRAINT uq_secrets_workspace_secret_name UNIQUE (workspace, secret_name)
);
CREATE INDEX idx_secrets_workspace ON secrets (workspace);

-- secret_id and secret_name are the additional authenticated data of the encrypted
-- value, so changing either would make the secret undecryptable. The body's layout is
-- kept as in MLflow's databases because PostgreSQL stores it verbatim (pg_proc.prosrc).
CREATE FUNCTION prevent_secrets_aad_mutation() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF OLD.secret_id != NEW.secret_id OR OLD.secret_name != NEW.secret_name THEN
        RAISE EXCEPTION 'secret_id and secret_name are immutable (used as AAD in encryption)';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER prevent_secrets_aad_mutation
    BEFORE UPDATE ON secrets
    FOR EACH ROW EXECUTE FUNCTION prevent_secrets_aad_mutation();

CREATE TABLE endpoints (
    endpoint_id          character varying(36)  NOT NULL,
    name                 character varying(255),
    created_by           character varying(255),
    created_at           bigint                 NOT NULL,
    last_updated_by      character varying(255),
    last_updated_at      bigint                 NOT NULL,
    routing_strategy     character varying(64),
    fallback_config_json text,
    experiment_id        integer,
    usage_tracking       boolean                DEFAULT false NOT NULL,
    workspace            character varying(63)  DEFAULT 'default' NOT NULL,
    CONSTRAINT endpoints_pk PRIMARY KEY (endpoint_id),
    CONSTRAINT fk_endpoints_experiment_id FOREIGN KEY (experiment_id)
        REFERENCES experiments (experiment_id) ON DELETE SET NULL,
    CONSTRAINT uq_endpoints_workspace_name UNIQUE (workspace, name)
);
CREATE INDEX idx_endpoints_workspace ON endpoints (workspace);

CREATE TABLE model_definitions (
    model_definition_id character varying(36)  NOT NULL,
    name                character varying(255) NOT NULL,
    secret_id           character varying(36),
    provider            character varying(64)  NOT NULL,
    model_name          character varying(256) NOT NULL,
    created_by          character varying(255),
    created_at          bigint                 NOT NULL,
    last_updated_by     character varying(255),
    last_updated_at     bigint                 NOT NULL,
    workspace           character varying(63)  DEFAULT 'default' NOT NULL,
    CONSTRAINT model_definitions_pk PRIMARY KEY (model_definition_id),
    CONSTRAINT fk_model_definitions_secret_id FOREIGN KEY (secret_id)
        REFERENCES secrets (secret_id) ON DELETE SET NULL,
    CONSTRAINT uq_model_definitions_workspace_name UNIQUE (workspace, name)
);
CREATE INDEX index_model_definitions_provider ON model_definitions (provider);
CREATE INDEX index_model_definitions_secret_id ON model_definitions (secret_id);
CREATE INDEX idx_model_definitions_workspace ON model_definitions (workspace);

CREATE TABLE endpoint_model_mappings (
    mapping_id          character varying(36)  NOT NULL,
    endpoint_id         character varying(36)  NOT NULL,
    model_definition_id character varying(36)  NOT NULL,
    weight              double precision       NOT NULL,
    created_by          character varying(255),
    created_at          bigint                 NOT NULL,
    linkage_type        character varying(64)  DEFAULT 'PRIMARY' NOT NULL,
    fallback_order      integer,
    CONSTRAINT endpoint_model_mappings_pk PRIMARY KEY (mapping_id),
    CONSTRAINT fk_endpoint_model_mappings_endpoint_id FOREIGN KEY (endpoint_id)
        REFERENCES endpoints (endpoint_id) ON DELETE CASCADE,
    CONSTRAINT fk_endpoint_model_mappings_model_definition_id FOREIGN KEY (model_definition_id)
        REFERENCES model_definitions (model_definition_id)
);
CREATE INDEX index_endpoint_model_mappings_endpoint_id ON endpoint_model_mappings (endpoint_id);
CREATE INDEX index_endpoint_model_mappings_model_definition_id ON endpoint_model_mappings (model_definition_id);
CREATE UNIQUE INDEX unique_endpoint_model_linkage_mapping ON endpoint_model_mappings (endpoint_id, model_definition_id, linkage_type);

CREATE TABLE endpoint_bindings (
    endpoint_id     character varying(36)  NOT NULL,
    resource_type   character varying(50)  NOT NULL,
    resource_id     character varying(255) NOT NULL,
    created_at      bigint                 NOT NULL,
    created_by      character varying(255),
    last_updated_at bigint                 NOT NULL,
    last_updated_by character varying(255),
    display_name    character varying(255),
    CONSTRAINT endpoint_bindings_pk PRIMARY KEY (endpoint_id, resource_type, resource_id),
    CONSTRAINT fk_endpoint_bindings_endpoint_id FOREIGN KEY (endpoint_id)
        REFERENCES endpoints (endpoint_id) ON DELETE CASCADE
);

CREATE TABLE endpoint_tags (
    key         character varying(250)  NOT NULL,
    value       character varying(5000),
    endpoint_id character varying(36)   NOT NULL,
    CONSTRAINT endpoint_tag_pk PRIMARY KEY (key, endpoint_id),
    CONSTRAINT fk_endpoint_tags_endpoint_id FOREIGN KEY (endpoint_id)
        REFERENCES endpoints (endpoint_id) ON DELETE CASCADE
);
CREATE INDEX index_endpoint_tags_endpoint_id ON endpoint_tags (endpoint_id);

CREATE TABLE budget_policies (
    budget_policy_id character varying(36)  NOT NULL,
    budget_unit      character varying(32)  NOT NULL,
    budget_amount    double precision       NOT NULL,
    duration_unit    character varying(32)  NOT NULL,
    duration_value   integer                NOT NULL,
    target_scope     character varying(32)  NOT NULL,
    budget_action    character varying(32)  NOT NULL,
    created_by       character varying(255),
    created_at       bigint                 NOT NULL,
    last_updated_by  character varying(255),
    last_updated_at  bigint                 NOT NULL,
    workspace        character varying(63)  DEFAULT 'default' NOT NULL,
    CONSTRAINT budget_policies_pk PRIMARY KEY (budget_policy_id)
);
CREATE INDEX idx_budget_policies_workspace ON budget_policies (workspace);

-- A guardrail pins one scorer version; deleting that version is refused (no ON DELETE).
CREATE TABLE guardrails (
    guardrail_id       character varying(36)  NOT NULL,
    name               character varying(255) NOT NULL,
    scorer_id          character varying(36)  NOT NULL,
    scorer_version     integer                NOT NULL,
    stage              character varying(32)  NOT NULL,
    action             character varying(32)  NOT NULL,
    action_endpoint_id character varying(36),
    created_by         character varying(255),
    created_at         bigint                 NOT NULL,
    last_updated_by    character varying(255),
    last_updated_at    bigint                 NOT NULL,
    workspace          character varying(63)  DEFAULT 'default' NOT NULL,
    CONSTRAINT guardrails_pk PRIMARY KEY (guardrail_id),
    CONSTRAINT fk_guardrails_scorer_version FOREIGN KEY (scorer_id, scorer_version)
        REFERENCES scorer_versions (scorer_id, scorer_version),
    CONSTRAINT fk_guardrails_action_endpoint_id FOREIGN KEY (action_endpoint_id)
        REFERENCES endpoints (endpoint_id) ON DELETE SET NULL
);
CREATE INDEX idx_guardrails_workspace ON guardrails (workspace);
CREATE INDEX idx_guardrails_scorer ON guardrails (scorer_id, scorer_version);

CREATE TABLE guardrail_configs (
    endpoint_id     character varying(36)  NOT NULL,
    guardrail_id    character varying(36)  NOT NULL,
    execution_order integer,
    created_by      character varying(255),
    created_at      bigint                 NOT NULL,
    workspace       character varying(63)  DEFAULT 'default' NOT NULL,
    CONSTRAINT guardrail_configs_pk PRIMARY KEY (endpoint_id, guardrail_id),
    CONSTRAINT fk_guardrail_configs_endpoint_id FOREIGN KEY (endpoint_id)
        REFERENCES endpoints (endpoint_id) ON DELETE CASCADE,
    CONSTRAINT fk_guardrail_configs_guardrail_id FOREIGN KEY (guardrail_id)
        REFERENCES guardrails (guardrail_id) ON DELETE CASCADE
);
CREATE INDEX idx_guardrail_configs_endpoint_id ON guardrail_configs (endpoint_id);
CREATE INDEX idx_guardrail_configs_guardrail_id ON guardrail_configs (guardrail_id);

-- ---------------------------------------------------------------- server housekeeping

CREATE TABLE jobs (
    id               character varying(36)  NOT NULL,
    creation_time    bigint                 NOT NULL,
    job_name         character varying(500) NOT NULL,
    params           text                   NOT NULL,
    timeout          double precision,
    status           integer                NOT NULL,
    result           text,
    retry_count      integer                NOT NULL,
    last_update_time bigint                 NOT NULL,
    workspace        character varying(63)  DEFAULT 'default' NOT NULL,
    status_details   json,
    CONSTRAINT jobs_pk PRIMARY KEY (id)
);
CREATE INDEX index_jobs_name_status_creation_time ON jobs (job_name, workspace, status, creation_time);

CREATE TABLE workspaces (
    name                  character varying(63) NOT NULL,
    description           text,
    default_artifact_root text,
    CONSTRAINT workspaces_pk PRIMARY KEY (name)
);

-- Alembic reads this to decide which migrations an MLflow server would still run;
-- stamping the head tells MLflow the schema is complete.
CREATE TABLE alembic_version (
    version_num character varying(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version (version_num) VALUES ('7d34483879f0');
