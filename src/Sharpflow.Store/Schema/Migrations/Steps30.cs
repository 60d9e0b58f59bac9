namespace Sharpflow.Store.Schema.Migrations;

/// <summary>
/// MLflow 3.0 to 3.4's revisions (400f98739977 ... bf29a5ff90ea): logged models, V3 traces, assessments, spans,
/// webhooks, scorers, evaluation datasets, jobs. Almost all create tables; tables a later step changes are
/// created in their form of the time (head form minus the later columns).
/// </summary>
internal static class Steps30
{
    public static readonly Migration[] All =
    [
        new("400f98739977", "0584bdc529eb", "add logged model tables", async c =>
        {
            foreach (var table in new[] { "logged_models", "logged_model_metrics", "logged_model_params", "logged_model_tags" })
                await c.CreateHeadTableAsync(table);
        }),

        // alembic's batch add_column on SQLite is a plain ALTER TABLE ADD COLUMN (no rebuild needed).
        new("6953534de441", "400f98739977", "add inputs.step", c => c.AddHeadColumnAsync("inputs", "step")),

        new("bda7b8c39065", "6953534de441", "model_version_tags.value VARCHAR(5000) -> TEXT", async c =>
        {
            if (!c.IsSqlite)
            {
                await c.ExecAsync("ALTER TABLE model_version_tags ALTER COLUMN value TYPE text");
                return;
            }
            // The table as it is before workspaces (1b5f0d9ad7c1), with the new type.
            await c.RebuildSqliteTableAsync("model_version_tags", """
                CREATE TABLE model_version_tags (
                    "key"   VARCHAR(250) NOT NULL,
                    value   TEXT,
                    name    VARCHAR(256) NOT NULL,
                    version INTEGER      NOT NULL,
                    CONSTRAINT model_version_tag_pk PRIMARY KEY ("key", name, version),
                    FOREIGN KEY (name, version) REFERENCES model_versions (name, version) ON UPDATE CASCADE
                )
                """);
        }),

        new("cbc13b556ace", "bda7b8c39065", "add V3 trace columns to trace_info", async c =>
        {
            foreach (var column in new[] { "client_request_id", "request_preview", "response_preview" })
                await c.AddHeadColumnAsync("trace_info", column);
        }),

        new("770bee3ae1dd", "cbc13b556ace", "add assessments", c => c.CreateHeadTableAsync("assessments")),

        new("a1b2c3d4e5f6", "770bee3ae1dd", "add spans", async c =>
        {
            // dimension_attributes came with c8d9e0f1a2b3.
            await c.ExecAsync(HeadDdl.Without(c.HeadTable("spans"), "dimension_attributes"));
            await c.ExecAsync(HeadDdl.Indexes(c.Kind, "spans"));
        }),

        new("de4033877273", "a1b2c3d4e5f6", "add entity_associations", c => c.CreateHeadTableAsync("entity_associations")),

        new("1a0cddfcaa16", "de4033877273", "add webhooks, webhook_events", async c =>
        {
            await c.ExecAsync(HeadDdl.Without(c.HeadTable("webhooks"), "workspace"));
            await c.ExecAsync(HeadDdl.Indexes(c.Kind, "webhooks").Where(s => HeadDdl.IndexName(s) != "idx_webhooks_workspace"));
            await c.CreateHeadTableAsync("webhook_events");
        }),

        new("534353b11cbc", "1a0cddfcaa16", "add scorers, scorer_versions", async c =>
        {
            await c.CreateHeadTableAsync("scorers");
            await c.CreateHeadTableAsync("scorer_versions");
        }),

        new("71994744cf8e", "534353b11cbc", "add evaluation datasets", async c =>
        {
            await c.ExecAsync(HeadDdl.Without(c.HeadTable("evaluation_datasets"), "workspace"));
            await c.ExecAsync(HeadDdl.Indexes(c.Kind, "evaluation_datasets").Where(s => HeadDdl.IndexName(s) != "idx_evaluation_datasets_workspace"));
            await c.CreateHeadTableAsync("evaluation_dataset_tags");
            await c.ExecAsync(HeadDdl.Without(c.HeadTable("evaluation_dataset_records"), "outputs"));
            await c.ExecAsync(HeadDdl.Indexes(c.Kind, "evaluation_dataset_records"));
        }),

        new("3da73c924c2f", "71994744cf8e", "add evaluation_dataset_records.outputs", c =>
            c.AddHeadColumnAsync("evaluation_dataset_records", "outputs")),

        new("bf29a5ff90ea", "3da73c924c2f", "add jobs", async c =>
        {
            // Named function_fullname until 5d2d30f0abce; workspace and status_details came later.
            var jobs = HeadDdl.Without(c.HeadTable("jobs"), "workspace", "status_details");
            await c.ExecAsync(jobs.Replace("    job_name ", "    function_fullname "));
            await c.ExecAsync("CREATE INDEX index_jobs_function_status_creation_time ON jobs (function_fullname, status, creation_time)");
        }),
    ];
}
