namespace Sharpflow.Store.Schema.Migrations;

/// <summary>
/// MLflow 2.x's revisions, from MLflow 2.0's (97727af70f4d) to the last 2.x one (0584bdc529eb). For orientation
/// (from MLflow's history): 2.0 shipped 97727af70f4d, 2.9 acf3f17fdcc7, 2.16 4465047574b1, 3.0 6953534de441.
/// </summary>
internal static class Steps2x
{
    public static readonly Migration[] All =
    [
        new("3500859a5d39", "97727af70f4d", "add registered_model_aliases", async c =>
        {
            // Before workspaces: keyed by (name, alias), pointing at registered_models.name.
            await c.ExecAsync(HeadDdl.Without(c.HeadTable("registered_model_aliases"), "workspace")
                .Replace("PRIMARY KEY (workspace, name, alias)", "PRIMARY KEY (name, alias)")
                .Replace("fk_registered_model_aliases_registered_models FOREIGN KEY (workspace, name)", "registered_model_alias_name_fkey FOREIGN KEY (name)")
                .Replace("REFERENCES registered_models (workspace, name)", "REFERENCES registered_models (name)"));
        }),

        new("7f2a7d5fae7d", "3500859a5d39", "add datasets, inputs, input_tags", async c =>
        {
            // The experiment foreign key was unnamed (PostgreSQL: datasets_experiment_id_fkey) and without
            // ON DELETE CASCADE until 0584bdc529eb.
            await c.ExecAsync(c.HeadTable("datasets")
                .Replace("CONSTRAINT fk_datasets_experiment_id_experiments FOREIGN KEY", "FOREIGN KEY")
                .Replace(" ON DELETE CASCADE", ""));
            await c.ExecAsync(HeadDdl.Indexes(c.Kind, "datasets"));
            await c.ExecAsync(HeadDdl.Without(c.HeadTable("inputs"), "step"));
            await c.ExecAsync(HeadDdl.Indexes(c.Kind, "inputs"));
            await c.CreateHeadTableAsync("input_tags");
        }),

        new("2d6e25af4d3e", "7f2a7d5fae7d", "params.value VARCHAR(500) -> VARCHAR(8000)", async c =>
        {
            if (c.IsSqlite) await c.RebuildSqliteTableAsync("params", c.HeadTable("params"));
            else await c.ExecAsync("ALTER TABLE params ALTER COLUMN value TYPE character varying(8000)");
        }),

        new("acf3f17fdcc7", "2d6e25af4d3e", "add model_versions.storage_location", c =>
            c.AddHeadColumnAsync("model_versions", "storage_location")),

        new("867495a8f9d4", "acf3f17fdcc7", "add trace_info, trace_tags, trace_request_metadata", async c =>
        {
            await c.ExecAsync(HeadDdl.Without(c.HeadTable("trace_info"), "client_request_id", "request_preview", "response_preview"));
            await c.ExecAsync(HeadDdl.Indexes(c.Kind, "trace_info"));
            foreach (var table in new[] { "trace_tags", "trace_request_metadata" })
            {
                // Cascading deletes came with 5b0e9adcef9c.
                await c.ExecAsync(c.HeadTable(table).Replace(" ON DELETE CASCADE", ""));
                await c.ExecAsync(HeadDdl.Indexes(c.Kind, table));
            }
        }),

        new("5b0e9adcef9c", "867495a8f9d4", "trace tags/metadata foreign keys ON DELETE CASCADE", async c =>
        {
            foreach (var table in new[] { "trace_tags", "trace_request_metadata" })
            {
                if (c.IsSqlite) await c.RebuildSqliteTableAsync(table, c.HeadTable(table));
                else
                {
                    await c.ExecAsync($"ALTER TABLE {table} DROP CONSTRAINT fk_{table}_request_id");
                    await c.ExecAsync($"ALTER TABLE {table} ADD CONSTRAINT fk_{table}_request_id FOREIGN KEY (request_id) " +
                                      "REFERENCES trace_info (request_id) ON DELETE CASCADE");
                }
            }
        }),

        // MySQL only (dataset_schema to MEDIUMTEXT); SQLite's and PostgreSQL's TEXT already hold it.
        new("4465047574b1", "5b0e9adcef9c", "datasets.dataset_schema size (MySQL only)", _ => Task.CompletedTask),

        new("f5a4f2784254", "4465047574b1", "tags.value VARCHAR(5000) -> VARCHAR(8000)", async c =>
        {
            if (c.IsSqlite) await c.RebuildSqliteTableAsync("tags", c.HeadTable("tags"));
            else await c.ExecAsync("ALTER TABLE tags ALTER COLUMN value TYPE character varying(8000)");
        }),

        new("0584bdc529eb", "f5a4f2784254", "datasets -> experiments foreign key ON DELETE CASCADE, named", async c =>
        {
            if (c.IsSqlite)
            {
                await c.RebuildSqliteTableAsync("datasets", c.HeadTable("datasets"));
                return;
            }
            foreach (var name in await c.PgForeignKeysAsync("datasets", "experiments"))
                await c.ExecAsync($"ALTER TABLE datasets DROP CONSTRAINT \"{name}\"");
            await c.ExecAsync("ALTER TABLE datasets ADD CONSTRAINT fk_datasets_experiment_id_experiments FOREIGN KEY (experiment_id) " +
                              "REFERENCES experiments (experiment_id) ON DELETE CASCADE");
        }),
    ];
}
