using System.Text.Json.Nodes;
using Sharpflow.Http.Tests.Registry;
using static Sharpflow.Http.Tests.Tracing.TraceInfoApi;

namespace Sharpflow.Http.Tests.Tracing;

/// <summary>
/// The trace-info routes as MLflow 3.11 serves them: StartTraceV3 (also over an existing row), get (v3 and legacy v2),
/// batchGetInfos, tags, delete-traces, legacy v2 start/end, links to runs and prompts, and their errors.
/// </summary>
public class TracesApiTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private const long T0 = 1700000000000;

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Start_trace_v3_stores_and_returns_the_trace_info(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("tr"));
        var id = NewTraceId();
        var started = await s.StartTraceAsync(exp, id, T0 + 123, 661, tags: new Dictionary<string, string> { ["flow"] = "alpha", ["mlflow.traceName"] = "outer" },
            metadata: new Dictionary<string, string> { ["mlflow.user"] = "me", ["mlflow.trace.tokenUsage"] = "{\"input_tokens\": 3, \"total_tokens\": 5}" },
            requestPreview: "{\"x\": 1}", responsePreview: "3", clientRequestId: "c-1");
        Assert.Equal(id, started.Str("trace_id"));
        Assert.Equal("c-1", started.Str("client_request_id"));
        Assert.Equal(exp, started["trace_location"]!["mlflow_experiment"]!.Str("experiment_id"));
        Assert.Equal("MLFLOW_EXPERIMENT", started["trace_location"]!.Str("type"));
        Assert.Equal("2023-11-14T22:13:20.123Z", started.Str("request_time"));
        Assert.Equal("0.661s", started.Str("execution_duration"));
        Assert.Equal("OK", started.Str("state"));
        var tags = Map(started["tags"]);
        Assert.Equal($"mlflow-artifacts:/{exp}/traces/{id}/artifacts", tags["mlflow.artifactLocation"]);
        Assert.Equal("alpha", tags["flow"]);
        Assert.Equal("true", Map(started["trace_metadata"])["mlflow.trace.infoFinalized"]);

        var got = await s.GetTraceInfoAsync(id);
        Assert.Equal(started.ToJsonString(), got.ToJsonString());
        Assert.Equal("me", Map(got["trace_metadata"])["mlflow.user"]);
        Assert.Equal("{\"x\": 1}", got.Str("request_preview"));

        // The legacy v2 shape of the same trace.
        var v2 = (await s.CallOkAsync(HttpMethod.Get, $"{V2}/traces/{id}/info"))["trace_info"]!;
        Assert.Equal(id, v2.Str("request_id"));
        Assert.Equal(T0 + 123, v2["timestamp_ms"]!.GetValue<long>());
        Assert.Equal(661, v2["execution_time_ms"]!.GetValue<long>());
        Assert.Equal("OK", v2.Str("status"));
        Assert.Contains(v2["tags"]!.AsArray(), t => t!.Str("key") == "flow" && t.Str("value") == "alpha");

        // batchGetInfos keeps the requested order and skips unknown ids.
        var other = NewTraceId();
        await s.StartTraceAsync(exp, other, T0, state: "ERROR");
        var batch = await s.CallOkAsync(HttpMethod.Post, V3 + "/traces/batchGetInfos", new { trace_ids = new[] { other, "tr-unknown", id } });
        Assert.Equal([other, id], batch["trace_infos"]!.AsArray().Select(t => t!.Str("trace_id")));
        Assert.Equal("ERROR", batch["trace_infos"]![0]!.Str("state"));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Start_trace_over_an_existing_row_merges_as_mlflow_does(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("tr"));
        var id = NewTraceId();
        await s.StartTraceAsync(exp, id, T0, 10, "IN_PROGRESS", tags: new Dictionary<string, string> { ["early"] = "1", ["flow"] = "a" },
            metadata: new Dictionary<string, string> { ["m1"] = "x" }, requestPreview: "req", responsePreview: "resp");
        var merged = await s.StartTraceAsync(exp, id, T0 + 5, 20, "OK", tags: new Dictionary<string, string> { ["flow"] = "b" },
            metadata: new Dictionary<string, string> { ["m2"] = "y" });
        // The response is built from the request: no metadata, previews and unsent tags from the stored row.
        Assert.Null(merged["trace_metadata"]);
        Assert.Equal("req", merged.Str("request_preview"));
        Assert.Equal("OK", merged.Str("state"));
        var tags = Map(merged["tags"]);
        Assert.Equal("b", tags["flow"]);
        Assert.Equal("1", tags["early"]);

        var got = await s.GetTraceInfoAsync(id);
        Assert.Equal("0.020s", got.Str("execution_duration"));
        Assert.Equal("resp", got.Str("response_preview"));
        var metadata = Map(got["trace_metadata"]);
        Assert.Equal("x", metadata["m1"]);
        Assert.Equal("y", metadata["m2"]);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Tags_are_set_overwritten_and_deleted(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("tr"));
        var id = NewTraceId();
        await s.StartTraceAsync(exp, id, T0);
        await s.CallOkAsync(HttpMethod.Patch, $"{V2}/traces/{id}/tags", new { key = "reviewed", value = "yes" });
        await s.CallOkAsync(HttpMethod.Patch, $"{V3}/traces/{id}/tags", new { key = "reviewed", value = "no" });
        Assert.Equal("no", Map((await s.GetTraceInfoAsync(id))["tags"])["reviewed"]);
        await s.CallOkAsync(HttpMethod.Delete, $"{V3}/traces/{id}/tags", new { key = "reviewed" });
        Assert.DoesNotContain("reviewed", Map((await s.GetTraceInfoAsync(id))["tags"]).Keys);
        Api.AssertError(await s.CallAsync(HttpMethod.Delete, $"{V2}/traces/{id}/tags", new { key = "never" }), 404, "RESOURCE_DOES_NOT_EXIST",
            $"No trace tag with key 'never' for trace with ID '{id}'");

        // Long values are cut to 8000 characters; keys follow the tag name rules.
        await s.CallOkAsync(HttpMethod.Patch, $"{V3}/traces/{id}/tags", new { key = "long", value = new string('v', 9000) });
        Assert.Equal(4096, Map((await s.GetTraceInfoAsync(id))["tags"])["long"].Length); // responses cut tag values to 4096
        Api.AssertError(await s.CallAsync(HttpMethod.Patch, $"{V3}/traces/{id}/tags", new { key = "../x", value = "v" }), 400, "INVALID_PARAMETER_VALUE");
        Api.AssertError(await s.CallAsync(HttpMethod.Patch, $"{V3}/traces/{id}/tags", new { value = "v" }), 400, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'key'.");
        Api.AssertError(await s.CallAsync(HttpMethod.Patch, $"{V3}/traces/tr-nope/tags", new { key = "k", value = "v" }), 400, "BAD_REQUEST");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Unknown_traces_and_experiments_are_reported(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        Api.AssertError(await s.CallAsync(HttpMethod.Get, $"{V3}/traces/tr-cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"), 404, "RESOURCE_DOES_NOT_EXIST",
            "Trace with ID 'tr-cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd' not found.");
        Api.AssertError(await s.CallAsync(HttpMethod.Post, V3 + "/traces", TraceBody("987654321", NewTraceId(), T0)), 404, "RESOURCE_DOES_NOT_EXIST",
            "No Experiment with id=987654321 exists");
        var exp = await s.CreateExperimentAsync(Api.Unique("tr"));
        await s.OkAsync("/experiments/delete", new { experiment_id = exp });
        Api.AssertError(await s.CallAsync(HttpMethod.Post, V3 + "/traces", TraceBody(exp, NewTraceId(), T0)), 400, "INVALID_PARAMETER_VALUE",
            $"The experiment {exp} must be in the 'active' state. Current state is deleted.");
        Api.AssertError(await s.CallAsync(HttpMethod.Post, V3 + "/traces", new { }), 400, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'trace'.");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Delete_traces_by_ids_by_age_and_count(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("tr"));
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(NewTraceId());
            await s.StartTraceAsync(exp, ids[i], T0 + i * 1000);
        }
        await s.CallOkAsync(HttpMethod.Patch, $"{V3}/traces/{ids[0]}/tags", new { key = "k", value = "v" });
        Assert.Equal(1, (await s.CallOkAsync(HttpMethod.Post, V2 + "/traces/delete-traces", new { experiment_id = exp, request_ids = new[] { ids[5], "tr-x" } }))
            ["traces_deleted"]!.GetValue<int>());
        Api.AssertError(await s.CallAsync(HttpMethod.Get, $"{V3}/traces/{ids[5]}"), 404, "RESOURCE_DOES_NOT_EXIST");
        // Oldest first, at most max_traces, no newer than max_timestamp_millis.
        Assert.Equal(2, (await s.CallOkAsync(HttpMethod.Post, V3 + "/traces/delete-traces",
            new { experiment_id = exp, max_timestamp_millis = T0 + 3000, max_traces = 2 }))["traces_deleted"]!.GetValue<int>());
        Assert.Equal([ids[4], ids[3], ids[2]], (await s.SearchIdsAsync(exp)).Ids);
        Assert.Equal(2, (await s.CallOkAsync(HttpMethod.Post, V3 + "/traces/delete-traces", new { experiment_id = exp, max_timestamp_millis = T0 + 3000 }))
            ["traces_deleted"]!.GetValue<int>());
        Assert.Equal(0, (await s.CallOkAsync(HttpMethod.Post, V3 + "/traces/delete-traces", new { experiment_id = exp, max_timestamp_millis = T0 }))
            ["traces_deleted"]!.GetValue<int>());

        Api.AssertError(await s.CallAsync(HttpMethod.Post, V3 + "/traces/delete-traces", new { experiment_id = exp }), 400, "INVALID_PARAMETER_VALUE",
            "Either `max_timestamp_millis` or `trace_ids` must be specified.");
        Api.AssertError(await s.CallAsync(HttpMethod.Post, V3 + "/traces/delete-traces", new { experiment_id = exp, max_timestamp_millis = 5, request_ids = new[] { "a" } }),
            400, "INVALID_PARAMETER_VALUE", "Only one of `max_timestamp_millis` and `trace_ids` can be specified.");
        Api.AssertError(await s.CallAsync(HttpMethod.Post, V3 + "/traces/delete-traces", new { experiment_id = exp, max_traces = 1, request_ids = new[] { "a" } }),
            400, "INVALID_PARAMETER_VALUE", "`max_traces` can't be specified if `trace_ids` is specified.");
        Api.AssertError(await s.CallAsync(HttpMethod.Post, V3 + "/traces/delete-traces", new { experiment_id = exp, max_timestamp_millis = 5, max_traces = 0 }),
            400, "INVALID_PARAMETER_VALUE", "`max_traces` must be a positive integer, received 0.");
        Api.AssertError(await s.CallAsync(HttpMethod.Post, V3 + "/traces/delete-traces", new { max_timestamp_millis = 5 }),
            400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'experiment_id'.");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Legacy_v2_start_end_and_search(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("tr"));
        var started = (await s.CallOkAsync(HttpMethod.Post, V2 + "/traces", new
        {
            experiment_id = exp, timestamp_ms = T0, request_metadata = new[] { new { key = "m", value = "1" } }, tags = new[] { new { key = "t", value = "a" } },
        }))["trace_info"]!;
        var id = started.Str("request_id");
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal("IN_PROGRESS", started.Str("status"));
        Assert.Equal(0, started["execution_time_ms"]!.GetValue<long>());
        var ended = (await s.CallOkAsync(HttpMethod.Patch, $"{V2}/traces/{id}", new
        {
            timestamp_ms = T0 + 250, status = "OK", tags = new[] { new { key = "t", value = "b" } },
        }))["trace_info"]!;
        Assert.Equal(250, ended["execution_time_ms"]!.GetValue<long>());
        Assert.Equal("OK", ended.Str("status"));
        Assert.Contains(ended["tags"]!.AsArray(), t => t!.Str("key") == "t" && t.Str("value") == "b");
        Assert.Contains(ended["request_metadata"]!.AsArray(), t => t!.Str("key") == "m" && t.Str("value") == "1");

        var search = await s.CallOkAsync(HttpMethod.Get, $"{V2}/traces?experiment_ids={exp}&max_results=1");
        Assert.Equal(id, search["traces"]![0]!.Str("request_id"));
        Assert.NotNull(search["next_page_token"]);
        Api.AssertError(await s.CallAsync(HttpMethod.Post, V2 + "/traces", new { experiment_id = exp, tags = new[] { new { value = "x" } } }),
            400, "INVALID_PARAMETER_VALUE", "for parameter 'tags' supplied");
        Api.AssertError(await s.CallAsync(HttpMethod.Patch, $"{V2}/traces/nope", new { timestamp_ms = 1 }), 404, "RESOURCE_DOES_NOT_EXIST",
            "Trace with ID 'nope' not found.");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Traces_linked_to_a_run_are_found_by_run_id(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("tr"));
        var run = await s.CreateRunAsync(exp, "r", T0);
        var (a, b, c) = (NewTraceId(), NewTraceId(), NewTraceId());
        await s.StartTraceAsync(exp, a, T0, metadata: new Dictionary<string, string> { ["mlflow.sourceRun"] = run });
        await s.StartTraceAsync(exp, b, T0 + 1);
        await s.StartTraceAsync(exp, c, T0 + 2);
        await s.CallOkAsync(HttpMethod.Post, V2 + "/traces/link-to-run", new { trace_ids = new[] { b, b }, run_id = run });
        await s.CallOkAsync(HttpMethod.Post, V2 + "/traces/link-to-run", new { trace_ids = new[] { b }, run_id = run });
        Assert.Equal([b, a], (await s.SearchIdsAsync(exp, $"run_id = '{run}'")).Ids);
        Assert.Equal([b, a], (await s.SearchIdsAsync(exp, $"metadata.`mlflow.sourceRun` = '{run}'")).Ids);
        Api.AssertError(await s.CallAsync(HttpMethod.Post, V2 + "/traces/link-to-run",
            new { trace_ids = Enumerable.Range(0, 101).Select(i => $"tr-{i}").ToArray(), run_id = run }), 400, "INVALID_PARAMETER_VALUE",
            "Cannot link more than 100 traces to a run in a single request. Provided 101 traces.");
        Api.AssertError(await s.CallAsync(HttpMethod.Post, V2 + "/traces/link-to-run", new { trace_ids = new[] { a } }), 400, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'run_id'.");

        await s.CallOkAsync(HttpMethod.Post, V2 + "/traces/link-prompts", new { trace_id = c, prompt_versions = new[] { new { name = "qa", version = "2" } } });
        Assert.Equal([c], (await s.SearchIdsAsync(exp, "prompt = 'qa/2'")).Ids);
        Assert.Empty((await s.SearchIdsAsync(exp, "prompt = 'qa/1'")).Ids);
    }
}
