namespace Sharpflow.Store.Schema.Migrations;

/// <summary>
/// MLflow 3.10 and 3.11's revisions (1b5f0d9ad7c1 ... 7d34483879f0): workspaces, budget policies, issues, job
/// status details, the metrics (run, key, step) index, guardrails and the registry tags' workspace indexes.
/// </summary>
internal static class StepsWorkspaces
{
    // Tables that gain a workspace column; every existing row lands in the "default" workspace (the column's
    // default), which is also the one row the step puts in the new workspaces table.
    private static readonly string[] RekeyedTables =
    [
        "experiments", "registered_models", "model_versions", "registered_model_tags", "model_version_tags",
        "registered_model_aliases", "secrets", "endpoints", "model_definitions",
    ];

    private const string WorkspaceColumn = "workspace VARCHAR(63) DEFAULT 'default' NOT NULL";

    public static readonly Migration[] All =
    [
        new("1b5f0d9ad7c1", "c8d9e0f1a2b3", "add workspaces", async c =>
        {
            if (c.IsSqlite) await SqliteWorkspacesAsync(c);
            else await PostgresWorkspacesAsync(c);
            foreach (var index in new[]
                     {
                         "idx_experiments_workspace", "idx_registered_models_workspace", "idx_experiments_workspace_creation_time",
                         "idx_evaluation_datasets_workspace", "idx_webhooks_workspace", "idx_secrets_workspace",
                         "idx_endpoints_workspace", "idx_model_definitions_workspace",
                     })
                await c.CreateHeadIndexAsync(index);
            await c.CreateHeadTableAsync("workspaces");
            await c.ExecAsync("INSERT INTO workspaces (name, description) VALUES ('default', 'Default workspace for legacy resources')");
        }),

        new("e1f2a3b4c5d6", "1b5f0d9ad7c1", "add budget_policies", c => c.CreateHeadTableAsync("budget_policies")),

        new("76601a5f987d", "e1f2a3b4c5d6", "add issues", c => c.CreateHeadTableAsync("issues")),

        new("c3d6457b6d8a", "76601a5f987d", "add jobs.status_details", c => c.AddHeadColumnAsync("jobs", "status_details")),

        new("a5b4c3d2e1f0", "c3d6457b6d8a", "index metrics (run_uuid, key, step)", c => c.CreateHeadIndexAsync("index_metrics_run_uuid_key_step")),

        new("ae8bbe7743c9", "a5b4c3d2e1f0", "add guardrails, guardrail_configs", async c =>
        {
            await c.CreateHeadTableAsync("guardrails");
            await c.CreateHeadTableAsync("guardrail_configs");
        }),

        new("7d34483879f0", "ae8bbe7743c9", "index registry tags by (workspace, name[, version])", async c =>
        {
            await c.CreateHeadIndexAsync("idx_model_version_tags_workspace_name_version");
            await c.CreateHeadIndexAsync("idx_registered_model_tags_workspace_name");
        }),
    ];

    /// <summary>
    /// SQLite cannot change a primary key, a UNIQUE constraint or a foreign key in place: the re-keyed tables are
    /// rebuilt, and since no later step changes their definitions (only indexes follow), straight into their head
    /// form. The single-column unique indexes of the gateway tables give way to (workspace, name) constraints.
    /// Rebuilding re-creates the other indexes and the secrets trigger.
    /// </summary>
    private static async Task SqliteWorkspacesAsync(MigrationContext c)
    {
        foreach (var table in RekeyedTables)
            await c.RebuildSqliteTableAsync(table, c.HeadTable(table),
                "unique_secret_name", "unique_endpoint_name", "unique_model_definition_name");
        foreach (var table in new[] { "evaluation_datasets", "webhooks", "jobs" })
            await c.AddColumnAsync(table, WorkspaceColumn);
        await ReindexJobsAsync(c);
    }

    /// <summary>
    /// PostgreSQL alters in place. Foreign keys into registered_models and model_versions go first (their primary
    /// keys are what they depend on), then each table gets its column and new keys. Constraints MLflow left for
    /// PostgreSQL to name (registered_models_name_key, model_versions_name_fkey, ...) are looked up, not assumed.
    /// </summary>
    private static async Task PostgresWorkspacesAsync(MigrationContext c)
    {
        await c.PgDropUniqueOnAsync("experiments", "name");
        await c.AddColumnAsync("experiments", WorkspaceColumn);
        await c.ExecAsync("ALTER TABLE experiments ADD CONSTRAINT uq_experiments_workspace_name UNIQUE (workspace, name)");

        foreach (var (table, parent) in new[]
                 {
                     ("model_versions", "registered_models"), ("registered_model_tags", "registered_models"),
                     ("registered_model_aliases", "registered_models"), ("model_version_tags", "model_versions"),
                 })
            foreach (var name in await c.PgForeignKeysAsync(table, parent))
                await c.ExecAsync($"ALTER TABLE {table} DROP CONSTRAINT \"{name}\"");
        await c.PgDropUniqueOnAsync("registered_models", "name");

        await Rekey(c, "registered_models", "registered_model_pk", "workspace, name", null);
        await Rekey(c, "model_versions", "model_version_pk", "workspace, name, version",
            "fk_model_versions_registered_models FOREIGN KEY (workspace, name) REFERENCES registered_models (workspace, name) ON UPDATE CASCADE");
        await Rekey(c, "registered_model_tags", "registered_model_tag_pk", "workspace, key, name",
            "fk_registered_model_tags_registered_models FOREIGN KEY (workspace, name) REFERENCES registered_models (workspace, name) ON UPDATE CASCADE");
        await Rekey(c, "model_version_tags", "model_version_tag_pk", "workspace, key, name, version",
            "fk_model_version_tags_model_versions FOREIGN KEY (workspace, name, version) REFERENCES model_versions (workspace, name, version) ON UPDATE CASCADE");
        await Rekey(c, "registered_model_aliases", "registered_model_alias_pk", "workspace, name, alias",
            "fk_registered_model_aliases_registered_models FOREIGN KEY (workspace, name) REFERENCES registered_models (workspace, name) ON DELETE CASCADE ON UPDATE CASCADE");

        foreach (var table in new[] { "evaluation_datasets", "webhooks" })
            await c.AddColumnAsync(table, WorkspaceColumn);
        foreach (var (table, column, constraint) in new[]
                 {
                     ("secrets", "secret_name", "uq_secrets_workspace_secret_name"), ("endpoints", "name", "uq_endpoints_workspace_name"),
                     ("model_definitions", "name", "uq_model_definitions_workspace_name"),
                 })
        {
            await c.PgDropUniqueOnAsync(table, column);
            await c.AddColumnAsync(table, WorkspaceColumn);
            await c.ExecAsync($"ALTER TABLE {table} ADD CONSTRAINT {constraint} UNIQUE (workspace, {column})");
        }
        await c.AddColumnAsync("jobs", WorkspaceColumn);
        await ReindexJobsAsync(c);
    }

    private static async Task Rekey(MigrationContext c, string table, string primaryKey, string keyColumns, string? foreignKey)
    {
        await c.AddColumnAsync(table, WorkspaceColumn);
        await c.ExecAsync($"ALTER TABLE {table} DROP CONSTRAINT {primaryKey}");
        await c.ExecAsync($"ALTER TABLE {table} ADD CONSTRAINT {primaryKey} PRIMARY KEY ({keyColumns})");
        if (foreignKey is not null) await c.ExecAsync($"ALTER TABLE {table} ADD CONSTRAINT {foreignKey}");
    }

    // Jobs are looked up by name within a workspace.
    private static async Task ReindexJobsAsync(MigrationContext c)
    {
        await c.ExecAsync("DROP INDEX index_jobs_name_status_creation_time");
        await c.CreateHeadIndexAsync("index_jobs_name_status_creation_time");
    }
}
