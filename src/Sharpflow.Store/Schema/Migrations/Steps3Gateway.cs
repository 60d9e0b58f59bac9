namespace Sharpflow.Store.Schema.Migrations;

/// <summary>
/// MLflow 3.5 to 3.9's revisions (1bd49d398cd23 ... c8d9e0f1a2b3): the AI gateway's secrets and endpoints, trace
/// metrics, the jobs rename, online scoring and span metrics.
/// </summary>
internal static class Steps3Gateway
{
    public static readonly Migration[] All =
    [
        new("1bd49d398cd23", "bf29a5ff90ea", "add secrets and gateway endpoint tables", async c =>
        {
            // Before workspaces, names were unique on their own, through unique indexes (not constraints).
            await c.ExecAsync(HeadDdl.Without(c.HeadTable("secrets"), "workspace", "uq_secrets_workspace_secret_name"));
            await c.ExecAsync("CREATE UNIQUE INDEX unique_secret_name ON secrets (secret_name)");
            await c.ExecAsync(HeadDdl.Without(c.HeadTable("endpoints"),
                "routing_strategy", "fallback_config_json", "experiment_id", "usage_tracking", "workspace",
                "fk_endpoints_experiment_id", "uq_endpoints_workspace_name"));
            await c.ExecAsync("CREATE UNIQUE INDEX unique_endpoint_name ON endpoints (name)");
            await c.ExecAsync(HeadDdl.Without(c.HeadTable("model_definitions"), "workspace", "uq_model_definitions_workspace_name"));
            await c.ExecAsync("CREATE UNIQUE INDEX unique_model_definition_name ON model_definitions (name)");
            await c.ExecAsync(HeadDdl.Indexes(c.Kind, "model_definitions").Where(s => HeadDdl.IndexName(s) != "idx_model_definitions_workspace"));
            await c.ExecAsync(HeadDdl.Without(c.HeadTable("endpoint_model_mappings"), "linkage_type", "fallback_order"));
            await c.ExecAsync(HeadDdl.Indexes(c.Kind, "endpoint_model_mappings").Where(s => HeadDdl.IndexName(s) != "unique_endpoint_model_linkage_mapping"));
            await c.ExecAsync("CREATE UNIQUE INDEX unique_endpoint_model_mapping ON endpoint_model_mappings (endpoint_id, model_definition_id)");
            await c.ExecAsync(HeadDdl.Without(c.HeadTable("endpoint_bindings"), "display_name"));
            await c.CreateHeadTableAsync("endpoint_tags");
            // secret_id and secret_name are the encryption's associated data: the database refuses to change them.
            if (!c.IsSqlite) await c.ExecAsync(HeadDdl.StartingWith(c.Kind, "CREATE FUNCTION prevent_secrets_aad_mutation"));
            await c.ExecAsync(HeadDdl.StartingWith(c.Kind, "CREATE TRIGGER prevent_secrets_aad_mutation"));
        }),

        new("b7c8d9e0f1a2", "1bd49d398cd23", "add trace_metrics", c => c.CreateHeadTableAsync("trace_metrics")),

        new("5d2d30f0abce", "b7c8d9e0f1a2", "jobs.function_fullname -> job_name", async c =>
        {
            // RENAME COLUMN keeps the data in place on both databases (SQLite 3.25+).
            await c.ExecAsync("DROP INDEX index_jobs_function_status_creation_time");
            await c.ExecAsync("ALTER TABLE jobs RENAME COLUMN function_fullname TO job_name");
            await c.ExecAsync("CREATE INDEX index_jobs_name_status_creation_time ON jobs (job_name, status, creation_time)");
        }),

        new("c9d4e5f6a7b8", "5d2d30f0abce", "endpoint routing strategy and fallbacks", async c =>
        {
            await c.AddHeadColumnAsync("endpoints", "routing_strategy");
            await c.AddHeadColumnAsync("endpoints", "fallback_config_json");
            // Existing mappings become the PRIMARY linkage through the column default.
            await c.AddHeadColumnAsync("endpoint_model_mappings", "linkage_type");
            await c.AddHeadColumnAsync("endpoint_model_mappings", "fallback_order");
            await c.ExecAsync("DROP INDEX unique_endpoint_model_mapping");
            await c.CreateHeadIndexAsync("unique_endpoint_model_linkage_mapping");
        }),

        new("2c33131f4dae", "c9d4e5f6a7b8", "add online_scoring_configs", c => c.CreateHeadTableAsync("online_scoring_configs")),

        new("d3e4f5a6b7c8", "2c33131f4dae", "add endpoint_bindings.display_name", c =>
            c.AddHeadColumnAsync("endpoint_bindings", "display_name")),

        new("d0e1f2a3b4c5", "d3e4f5a6b7c8", "link endpoints to an experiment", async c =>
        {
            if (c.IsSqlite)
            {
                // A new foreign key needs a rebuild on SQLite; the table as it is before workspaces.
                await c.RebuildSqliteTableAsync("endpoints",
                    HeadDdl.Without(c.HeadTable("endpoints"), "workspace", "uq_endpoints_workspace_name"));
                return;
            }
            await c.AddHeadColumnAsync("endpoints", "experiment_id");
            await c.AddHeadColumnAsync("endpoints", "usage_tracking");
            await c.ExecAsync("ALTER TABLE endpoints ADD CONSTRAINT fk_endpoints_experiment_id FOREIGN KEY (experiment_id) " +
                              "REFERENCES experiments (experiment_id) ON DELETE SET NULL");
        }),

        new("c8d9e0f1a2b3", "d0e1f2a3b4c5", "add span_metrics and spans.dimension_attributes", async c =>
        {
            await c.CreateHeadTableAsync("span_metrics");
            await c.AddHeadColumnAsync("spans", "dimension_attributes");
        }),
    ];
}
