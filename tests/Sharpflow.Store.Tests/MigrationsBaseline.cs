using Sharpflow.Store.Schema.Migrations;

namespace Sharpflow.Store.Tests;

/// <summary>
/// A database as MLflow 2.0 leaves it (alembic revision 97727af70f4d), written from what MLflow's revisions up to
/// that one create: the tracking tables of MLflow 1.x/2.0 (no datasets, traces, logged models, aliases or
/// workspaces), params.value VARCHAR(500), tags.value and model_version_tags.value VARCHAR(5000), experiments and
/// registered models unique by name alone, and registry children keyed and linked by name. Constraints MLflow
/// left unnamed are unnamed here too (PostgreSQL then names them <c>registered_models_name_key</c>,
/// <c>model_versions_name_fkey</c>, ...). Tables no later revision changes are taken from the head scripts.
/// </summary>
internal static class MigrationsBaseline
{
    public static IReadOnlyList<string> Statements(DbKind kind)
    {
        var pg = kind == DbKind.Postgres;
        string Varchar(int n) => pg ? $"character varying({n})" : $"VARCHAR({n})";
        var serial = pg ? "serial" : "INTEGER";
        var key = pg ? "key" : "\"key\"";
        List<string> list =
        [
            $"""
            CREATE TABLE experiments (
                experiment_id {serial} NOT NULL,
                name {Varchar(256)} NOT NULL,
                artifact_location {Varchar(256)},
                lifecycle_stage {Varchar(32)},
                creation_time BIGINT,
                last_update_time BIGINT,
                CONSTRAINT experiment_pk PRIMARY KEY (experiment_id),
                UNIQUE (name),
                CONSTRAINT experiments_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted'))
            )
            """,
            HeadDdl.Table(kind, "experiment_tags"),
            HeadDdl.Table(kind, "runs"),
            HeadDdl.Table(kind, "metrics"),
            "CREATE INDEX index_metrics_run_uuid ON metrics (run_uuid)",
            HeadDdl.Table(kind, "latest_metrics"),
            .. HeadDdl.Indexes(kind, "latest_metrics"),
            HeadDdl.Table(kind, "params").Replace(Varchar(8000), Varchar(500)),
            .. HeadDdl.Indexes(kind, "params"),
            HeadDdl.Table(kind, "tags").Replace(Varchar(8000), Varchar(5000)),
            .. HeadDdl.Indexes(kind, "tags"),
            $"""
            CREATE TABLE registered_models (
                name {Varchar(256)} NOT NULL UNIQUE,
                creation_time BIGINT,
                last_updated_time BIGINT,
                description {Varchar(5000)},
                CONSTRAINT registered_model_pk PRIMARY KEY (name)
            )
            """,
            $"""
            CREATE TABLE model_versions (
                name {Varchar(256)} NOT NULL,
                version INTEGER NOT NULL,
                creation_time BIGINT,
                last_updated_time BIGINT,
                description {Varchar(5000)},
                user_id {Varchar(256)},
                current_stage {Varchar(20)},
                source {Varchar(500)},
                run_id {Varchar(32)},
                status {Varchar(20)},
                status_message {Varchar(500)},
                run_link {Varchar(500)},
                CONSTRAINT model_version_pk PRIMARY KEY (name, version),
                FOREIGN KEY (name) REFERENCES registered_models (name) ON UPDATE CASCADE
            )
            """,
            $"""
            CREATE TABLE registered_model_tags (
                {key} {Varchar(250)} NOT NULL,
                value {Varchar(5000)},
                name {Varchar(256)} NOT NULL,
                CONSTRAINT registered_model_tag_pk PRIMARY KEY ({key}, name),
                FOREIGN KEY (name) REFERENCES registered_models (name) ON UPDATE CASCADE
            )
            """,
            $"""
            CREATE TABLE model_version_tags (
                {key} {Varchar(250)} NOT NULL,
                value {Varchar(5000)},
                name {Varchar(256)} NOT NULL,
                version INTEGER NOT NULL,
                CONSTRAINT model_version_tag_pk PRIMARY KEY ({key}, name, version),
                FOREIGN KEY (name, version) REFERENCES model_versions (name, version) ON UPDATE CASCADE
            )
            """,
            HeadDdl.Table(kind, "alembic_version"),
            $"INSERT INTO alembic_version (version_num) VALUES ('{SchemaMigrator.OldestRevision}')",
        ];
        return list;
    }

    /// <summary>
    /// Representative MLflow 2.0 data: the Default experiment and a named one with a tag, a deleted experiment,
    /// runs with metrics (one NaN), latest metrics, a long param, tags, and a registered model with two versions
    /// and tags. <c>@t</c> in the statements is replaced by a boolean literal per dialect.
    /// </summary>
    public static IReadOnlyList<string> Data(DbKind kind)
    {
        var t = kind == DbKind.Postgres ? "true" : "1";
        var f = kind == DbKind.Postgres ? "false" : "0";
        var longParam = new string('p', 450);
        return
        [
            "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES " +
            "(0, 'Default', 'mlruns/0', 'active', 1000, 1000), (1, 'exp-one', 'mlruns/1', 'active', 2000, 2100), " +
            "(7, 'gone', 'mlruns/7', 'deleted', 3000, 3100)",
            "INSERT INTO experiment_tags (key, value, experiment_id) VALUES ('team', 'ml', 1)",
            "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, " +
            "source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time) VALUES " +
            "('r1', 'first', 'LOCAL', 'train.py', '', 'ann', 'FINISHED', 10, 20, 'abc', 'active', 'mlruns/1/r1/artifacts', 1, NULL), " +
            "('r2', 'second', 'LOCAL', 'train.py', '', 'bob', 'KILLED', 30, 40, 'abc', 'deleted', 'mlruns/1/r2/artifacts', 1, 50)",
            $"INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES " +
            $"('loss', 0.5, 100, 'r1', 0, {f}), ('loss', 0.25, 200, 'r1', 1, {f}), ('loss', 0, 300, 'r1', 2, {t}), ('acc', 0.9, 100, 'r2', 0, {f})",
            $"INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES ('loss', 0, 300, 2, {t}, 'r1'), ('acc', 0.9, 100, 0, {f}, 'r2')",
            $"INSERT INTO params (key, value, run_uuid) VALUES ('lr', '0.01', 'r1'), ('long', '{longParam}', 'r1')",
            "INSERT INTO tags (key, value, run_uuid) VALUES ('mlflow.user', 'ann', 'r1'), ('mlflow.runName', 'first', 'r1')",
            "INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES ('model-a', 500, 600, 'the model')",
            "INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, current_stage, source, " +
            "run_id, status, status_message, run_link) VALUES " +
            "('model-a', 1, 510, 520, NULL, 'ann', 'Production', 'mlruns/1/r1/artifacts/model', 'r1', 'READY', NULL, NULL), " +
            "('model-a', 2, 530, 540, 'v2', 'ann', 'None', 'mlruns/1/r1/artifacts/model', 'r1', 'READY', NULL, NULL)",
            "INSERT INTO registered_model_tags (key, value, name) VALUES ('owner', 'ann', 'model-a')",
            "INSERT INTO model_version_tags (key, value, name, version) VALUES ('validated', 'yes', 'model-a', 2)",
        ];
    }
}
