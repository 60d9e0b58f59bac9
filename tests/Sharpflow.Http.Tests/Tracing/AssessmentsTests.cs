using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sharpflow.Http.Tests.Registry;

namespace Sharpflow.Http.Tests.Tracing;

/// <summary>
/// /traces/{trace_id}/assessments as MLflow 3.11: feedback and expectations (JSON shapes, RFC 3339 times, Value and
/// serialized_value payloads), update masks, overrides (the overridden one turns invalid, and valid again when the
/// override is deleted), idempotent delete, the errors, and assessments inside trace infos (read back, and carried
/// in by StartTraceV3).
/// </summary>
public class AssessmentsTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private const string V3 = "/api/3.0/mlflow";

    internal static async Task<(int Status, JsonNode? Body)> SendV3Async(TestServer s, HttpMethod method, string path, object? body = null,
        string prefix = V3)
    {
        using var req = new HttpRequestMessage(method, prefix + path);
        if (body is not null) req.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var res = await s.Client.SendAsync(req);
        var text = await res.Content.ReadAsStringAsync();
        return ((int)res.StatusCode, res.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    private static async Task<JsonNode> OkV3Async(TestServer s, HttpMethod method, string path, object? body = null)
    {
        var (status, json) = await SendV3Async(s, method, path, body);
        Assert.True(status == 200, $"{method} {path} answered {status}: {json?.ToJsonString()}");
        return json!;
    }

    /// <summary>A trace as the MLflow client starts one (StartTraceV3), in a new experiment.</summary>
    internal static async Task<string> StartTraceAsync(TestServer s)
    {
        var exp = await s.CreateExperimentAsync(Api.Unique("assess"));
        var traceId = "tr-" + Guid.NewGuid().ToString("N");
        await OkV3Async(s, HttpMethod.Post, "/traces", new
        {
            trace = new
            {
                trace_info = new
                {
                    trace_id = traceId,
                    trace_location = new { type = "MLFLOW_EXPERIMENT", mlflow_experiment = new { experiment_id = exp } },
                    request_time = "2024-01-01T00:00:00Z", execution_duration = "0.5s", state = "OK",
                },
            },
        });
        return traceId;
    }

    private static object Feedback(string traceId, string name, object? value, string? rationale = null, string? overrides = null,
        object? metadata = null) => new
    {
        assessment = new
        {
            assessment_name = name, trace_id = traceId,
            source = new { source_type = "HUMAN", source_id = "alice" },
            create_time = "2024-05-06T07:08:09.123Z", last_update_time = "2024-05-06T07:08:09.123Z",
            feedback = new { value }, rationale, overrides, metadata, valid = true,
        },
    };

    private static async Task<JsonNode> CreateAsync(TestServer s, string traceId, object body) =>
        (await OkV3Async(s, HttpMethod.Post, $"/traces/{traceId}/assessments", body))["assessment"]!;

    private static async Task<JsonNode> GetAsync(TestServer s, string traceId, string id) =>
        (await OkV3Async(s, HttpMethod.Get, $"/traces/{traceId}/assessments/{id}"))["assessment"]!;

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Feedback_round_trips_in_mlflows_shape(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var trace = await StartTraceAsync(s);
        var body = Feedback(trace, "quality", 0.8, "looks fine", metadata: new { k = "v" });
        var created = await CreateAsync(s, trace, body);
        var id = created.Str("assessment_id");
        Assert.Matches("^a-[0-9a-f]{32}$", id);
        // Field order is protobuf's (field numbers); the client's times are kept, rendered as protobuf renders them.
        Assert.Equal(
            $$"""{"assessment_id":"{{id}}","assessment_name":"quality","trace_id":"{{trace}}","source":{"source_type":"HUMAN","source_id":"alice"},"create_time":"2024-05-06T07:08:09.123Z","last_update_time":"2024-05-06T07:08:09.123Z","feedback":{"value":0.8},"rationale":"looks fine","metadata":{"k":"v"},"valid":true}""",
            created.ToJsonString());
        Assert.Equal(created.ToJsonString(), (await GetAsync(s, trace, id)).ToJsonString());

        // Numbers are google.protobuf.Value doubles, written the way Python writes floats; the trace comes from the path.
        var other = await StartTraceAsync(s);
        var whole = await CreateAsync(s, trace, Feedback(other, "count", 3));
        Assert.Equal(trace, whole.Str("trace_id"));
        Assert.Contains("\"feedback\":{\"value\":3.0}", whole.ToJsonString());
        var nested = await CreateAsync(s, trace, Feedback(trace, "nested", new { a = new object[] { 1, "x", true, null! }, b = 1e-5 }));
        Assert.Contains("\"value\":{\"a\":[1.0,\"x\",true,null],\"b\":1e-05}", nested.ToJsonString());

        // Feedback that only carries an error: the value is null, error fields as given; no create_time means now.
        var failed = await CreateAsync(s, trace, new
        {
            assessment = new
            {
                assessment_name = "judge", source = new { source_type = "LLM_JUDGE", source_id = "gpt" },
                feedback = new { error = new { error_code = "RATE_LIMIT", error_message = "slow down" } },
            },
        });
        Assert.Equal("""{"value":null,"error":{"error_code":"RATE_LIMIT","error_message":"slow down"}}""", failed["feedback"]!.ToJsonString());
        var now = DateTimeOffset.UtcNow;
        Assert.InRange(DateTimeOffset.Parse(failed.Str("create_time")), now.AddMinutes(-2), now.AddMinutes(1));

        // The UI's ajax form reaches the same handler.
        var (status, viaAjax) = await SendV3Async(s, HttpMethod.Get, $"/traces/{trace}/assessments/{id}", prefix: "/ajax-api/3.0/mlflow");
        Assert.Equal(200, status);
        Assert.Equal(id, viaAjax!["assessment"].Str("assessment_id"));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Expectations_keep_lists_and_objects_serialized(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var trace = await StartTraceAsync(s);
        object Expectation(object expectation) => new
        {
            assessment = new { assessment_name = "expected", source = new { source_type = "HUMAN", source_id = "default" }, expectation },
        };
        // What log_expectation sends for a dict: JSON_FORMAT text, re-serialised with Python's separators.
        var serialized = await CreateAsync(s, trace, Expectation(new
        {
            serialized_value = new { serialization_format = "JSON_FORMAT", value = "{\"answer\":\"Paris\",\"score\":1}" },
        }));
        var sv = serialized["expectation"]!["serialized_value"]!;
        Assert.Equal("JSON_FORMAT", sv.Str("serialization_format"));
        Assert.Equal("{\"answer\": \"Paris\", \"score\": 1}", sv.Str("value"));
        Assert.Null(serialized["rationale"]);
        var scalar = await CreateAsync(s, trace, Expectation(new { value = "Paris" }));
        Assert.Equal("""{"value":"Paris"}""", scalar["expectation"]!.ToJsonString());
        // An object sent as a Value comes back serialized, its numbers as floats (protobuf's Value has no integers).
        var structured = await CreateAsync(s, trace, Expectation(new { value = new { n = 2 } }));
        Assert.Equal("{\"n\": 2.0}", structured["expectation"]!["serialized_value"].Str("value"));

        Api.AssertError(await SendV3Async(s, HttpMethod.Post, $"/traces/{trace}/assessments", Expectation(new { })), 400,
            "INVALID_PARAMETER_VALUE", "The `value` field must be specified.");
        Api.AssertError(await SendV3Async(s, HttpMethod.Post, $"/traces/{trace}/assessments",
                Expectation(new { serialized_value = new { serialization_format = "YAML", value = "a: 1" } })), 400,
            "INVALID_PARAMETER_VALUE", "Unknown serialization format: YAML. Only JSON_FORMAT is supported.");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Update_applies_the_mask(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var trace = await StartTraceAsync(s);
        var fb = await CreateAsync(s, trace, Feedback(trace, "quality", 0.8, "looks fine", metadata: new { a = "1", b = "2" }));
        var id = fb.Str("assessment_id");
        var path = $"/traces/{trace}/assessments/{id}";

        // The client's update: name, feedback and rationale in the mask (lowerCamelCase, as protobuf writes FieldMasks).
        var updated = (await OkV3Async(s, HttpMethod.Patch, path, new
        {
            assessment = new { assessment_id = id, assessment_name = "quality2", trace_id = trace, feedback = new { value = 0.95 }, rationale = "revised",
                metadata = new { b = "3", c = "4" } },
            update_mask = "assessmentName,feedback,rationale,metadata",
        }))["assessment"]!;
        Assert.Equal("quality2", updated.Str("assessment_name"));
        Assert.Equal(0.95, updated["feedback"]!["value"]!.GetValue<double>());
        Assert.Equal("revised", updated.Str("rationale"));
        Assert.Equal("""{"a":"1","b":"3","c":"4"}""", updated["metadata"]!.ToJsonString());
        Assert.Equal(fb.Str("create_time"), updated.Str("create_time"));
        Assert.NotEqual(fb.Str("last_update_time"), updated.Str("last_update_time"));
        Assert.Equal("alice", updated["source"].Str("source_id"));
        Assert.Equal(updated.ToJsonString(), (await GetAsync(s, trace, id)).ToJsonString());

        // Fields outside the mask stay; a snake_case path stops protobuf's FieldMask reader, leaving nothing to change.
        var same = (await OkV3Async(s, HttpMethod.Patch, path, new { assessment = new { assessment_name = "ignored" }, update_mask = "assessment_name" }))["assessment"]!;
        Assert.Equal("quality2", same.Str("assessment_name"));
        var invalidated = (await OkV3Async(s, HttpMethod.Patch, path, new { assessment = new { valid = false }, update_mask = "valid" }))["assessment"]!;
        Assert.False(invalidated["valid"]!.GetValue<bool>());

        var exp = await CreateAsync(s, trace, new
        {
            assessment = new { assessment_name = "e", source = new { source_type = "HUMAN" }, expectation = new { value = "x" } },
        });
        var expPath = $"/traces/{trace}/assessments/{exp.Str("assessment_id")}";
        var newExp = (await OkV3Async(s, HttpMethod.Patch, expPath, new { assessment = new { expectation = new { value = "y" } }, update_mask = "expectation" }))["assessment"]!;
        Assert.Equal("""{"value":"y"}""", newExp["expectation"]!.ToJsonString());

        Api.AssertError(await SendV3Async(s, HttpMethod.Patch, path, new { assessment = new { expectation = new { value = "y" } }, update_mask = "expectation" }),
            400, "INVALID_PARAMETER_VALUE", "Cannot update expectation value on a Feedback assessment.");
        Api.AssertError(await SendV3Async(s, HttpMethod.Patch, expPath, new { assessment = new { feedback = new { value = 1 } }, update_mask = "feedback" }),
            400, "INVALID_PARAMETER_VALUE", "Cannot update feedback value on an Expectation assessment.");
        Api.AssertError(await SendV3Async(s, HttpMethod.Patch, expPath,
                new { assessment = new { feedback = new { value = 1 }, expectation = new { value = 1 } }, update_mask = "expectation,feedback" }),
            400, "INVALID_PARAMETER_VALUE", "Cannot specify both `expectation` and `feedback` parameters.");
        Api.AssertError(await SendV3Async(s, HttpMethod.Patch, expPath, new { assessment = new { }, update_mask = "expectation" }),
            400, "INVALID_PARAMETER_VALUE", "The `value` field must be specified.");
        Api.AssertError(await SendV3Async(s, HttpMethod.Patch, path, new { assessment = new { rationale = "r" } }),
            400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'update_mask'.");
        Api.AssertError(await SendV3Async(s, HttpMethod.Patch, $"/traces/{trace}/assessments/a-missing", new { assessment = new { }, update_mask = "rationale" }),
            404, "RESOURCE_DOES_NOT_EXIST", $"Assessment with ID 'a-missing' not found for trace '{trace}'");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Overrides_invalidate_and_deleting_restores(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var trace = await StartTraceAsync(s);
        var original = await CreateAsync(s, trace, Feedback(trace, "quality", 0.2));
        var oid = original.Str("assessment_id");
        var replacement = await CreateAsync(s, trace, Feedback(trace, "quality", 0.9, overrides: oid));
        Assert.Equal(oid, replacement.Str("overrides"));
        Assert.True(replacement["valid"]!.GetValue<bool>());
        Assert.False((await GetAsync(s, trace, oid))["valid"]!.GetValue<bool>());

        await OkV3Async(s, HttpMethod.Delete, $"/traces/{trace}/assessments/{replacement.Str("assessment_id")}");
        Assert.True((await GetAsync(s, trace, oid))["valid"]!.GetValue<bool>());
        Api.AssertError(await SendV3Async(s, HttpMethod.Get, $"/traces/{trace}/assessments/{replacement.Str("assessment_id")}"),
            404, "RESOURCE_DOES_NOT_EXIST");

        // The overridden assessment must be on the same trace; MLflow's message leaves {trace_id} unformatted.
        var other = await StartTraceAsync(s);
        Api.AssertError(await SendV3Async(s, HttpMethod.Post, $"/traces/{other}/assessments", Feedback(other, "q", 1, overrides: oid)),
            404, "RESOURCE_DOES_NOT_EXIST", $"Assessment with ID '{oid}' not found for trace '{{trace_id}}'");
        Assert.True((await GetAsync(s, trace, oid))["valid"]!.GetValue<bool>());
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Errors_are_mlflows(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var trace = await StartTraceAsync(s);
        var missingTrace = "tr-" + Guid.NewGuid().ToString("N");

        // MLflow answers the foreign-key IntegrityError of the insert as BAD_REQUEST.
        var (status, body) = await SendV3Async(s, HttpMethod.Post, $"/traces/{missingTrace}/assessments", Feedback(missingTrace, "q", 1.0));
        Api.AssertError((status, body), 400, "BAD_REQUEST");
        Assert.Matches("FOREIGN KEY constraint failed|ForeignKeyViolation", body!["message"]!.GetValue<string>());
        Assert.Equal("INVALID_PARAMETER_VALUE", body["error_class"]!.GetValue<string>());

        Api.AssertError(await SendV3Async(s, HttpMethod.Post, $"/traces/{trace}/assessments", new { }), 400, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'assessment'. See the API docs for more information about request parameters.");
        Api.AssertError(await SendV3Async(s, HttpMethod.Post, $"/traces/{trace}/assessments", new { assessment = new { assessment_name = "x" } }),
            400, "INVALID_PARAMETER_VALUE", "Unknown assessment type: None");

        Api.AssertError(await SendV3Async(s, HttpMethod.Get, $"/traces/{missingTrace}/assessments/a-x"), 404, "RESOURCE_DOES_NOT_EXIST",
            $"Trace with request_id '{missingTrace}' not found");
        Api.AssertError(await SendV3Async(s, HttpMethod.Get, $"/traces/{trace}/assessments/a-x"), 404, "RESOURCE_DOES_NOT_EXIST",
            $"Assessment with ID 'a-x' not found for trace '{trace}'");

        // Delete is idempotent, even on a trace that does not exist.
        var (deleted, empty) = await SendV3Async(s, HttpMethod.Delete, $"/traces/{missingTrace}/assessments/a-x", new { });
        Assert.Equal(200, deleted);
        Assert.Equal("{}", empty!.ToJsonString());

        // A client-chosen id is kept (MLflow's entity passes it through); reusing it is the insert's IntegrityError.
        var chosen = "a-" + Guid.NewGuid().ToString("N");
        var withId = new { assessment = new { assessment_id = chosen, assessment_name = "c", feedback = new { value = "ok" } } };
        var made = await CreateAsync(s, trace, withId);
        Assert.Equal(chosen, made.Str("assessment_id"));
        Assert.Equal("""{"source_type":"SOURCE_TYPE_UNSPECIFIED"}""", made["source"]!.ToJsonString());
        Api.AssertError(await SendV3Async(s, HttpMethod.Post, $"/traces/{trace}/assessments", withId), 400, "BAD_REQUEST");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Trace_infos_carry_their_assessments(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var trace = await StartTraceAsync(s);
        var first = await CreateAsync(s, trace, Feedback(trace, "quality", 0.5));
        var second = await CreateAsync(s, trace, Feedback(trace, "quality", 0.7, overrides: first.Str("assessment_id")));
        var info = (await OkV3Async(s, HttpMethod.Get, $"/traces/{trace}"))["trace"]!["trace_info"]!;
        var listed = info["assessments"]!.AsArray();
        // Both, the overridden one included (now invalid), each exactly as the assessment routes render it.
        Assert.Equal(2, listed.Count);
        var byId = listed.ToDictionary(a => a.Str("assessment_id"), a => a!.ToJsonString());
        Assert.Equal((await GetAsync(s, trace, first.Str("assessment_id"))).ToJsonString(), byId[first.Str("assessment_id")]);
        Assert.Equal(second.ToJsonString(), byId[second.Str("assessment_id")]);

        // Feedback logged while a trace is still open reaches the server inside StartTraceV3's trace_info.
        var exp = await s.CreateExperimentAsync(Api.Unique("assess-inline"));
        var inlineTrace = "tr-" + Guid.NewGuid().ToString("N");
        await OkV3Async(s, HttpMethod.Post, "/traces", new
        {
            trace = new
            {
                trace_info = new
                {
                    trace_id = inlineTrace,
                    trace_location = new { type = "MLFLOW_EXPERIMENT", mlflow_experiment = new { experiment_id = exp } },
                    request_time = "2024-01-01T00:00:00Z", execution_duration = "0.5s", state = "OK",
                    assessments = new[]
                    {
                        new
                        {
                            assessment_name = "inline", trace_id = inlineTrace,
                            source = new { source_type = "CODE", source_id = "check" },
                            create_time = "2024-01-01T00:00:00.250Z", last_update_time = "2024-01-01T00:00:00.250Z",
                            feedback = new { value = "good" },
                        },
                    },
                },
            },
        });
        var inline = (await OkV3Async(s, HttpMethod.Get, $"/traces/{inlineTrace}"))["trace"]!["trace_info"]!["assessments"]!.AsArray();
        Assert.Single(inline);
        Assert.Matches("^a-[0-9a-f]{32}$", inline[0].Str("assessment_id"));
        Assert.Equal("2024-01-01T00:00:00.250Z", inline[0].Str("create_time"));
        Assert.Equal("good", inline[0]!["feedback"]!["value"]!.GetValue<string>());
    }
}
