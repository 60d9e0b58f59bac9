using System.Text.Json;
using System.Text.Json.Nodes;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Search;
using Sharpflow.Core.Tests.Support;

namespace Sharpflow.Core.Tests;

/// <summary>
/// Differential tests against answers computed by MLflow 3.11's own search code (with the
/// sqlparse 0.4.x the recorded server runs) for several thousand filters, order_by clauses,
/// page tokens and whole requests: the replay corpus' strings, hand-picked edge cases and
/// random combinations of keys, operators, values and separators. Each line of
/// Data/mlflow-oracle-cases.jsonl.gz holds the input and MLflow's parse result or error.
/// </summary>
public class OracleDifferentialTests
{
    private static readonly Lazy<List<JsonObject>> Cases = new(Load);

    private static List<JsonObject> Load()
    {
        using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Data", "mlflow-oracle-cases.jsonl.gz"));
        using var reader = new StreamReader(new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress));
        var cases = new List<JsonObject>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                cases.Add(JsonNode.Parse(line)!.AsObject());
            }
        }
        return cases;
    }

    public static TheoryData<int, string> CaseIds()
    {
        var data = new TheoryData<int, string>();
        for (var i = 0; i < Cases.Value.Count; i++)
        {
            var c = Cases.Value[i];
            data.Add(i, $"{c["e"]} {c["k"]}: {c["i"]!.ToJsonString()}");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void MatchesMlflow(int index, string description)
    {
        var c = Cases.Value[index];
        var (ok, result, code, message) = Run(c["e"]!.GetValue<string>(), c["k"]!.GetValue<string>(), c["i"]);
        var expectedOk = c["ok"]!.GetValue<bool>();
        if (expectedOk)
        {
            Assert.True(ok, $"{description}: expected success, got {code}: {message}");
            Assert.True(JsonEquals(c["r"], result), $"{description}: expected {c["r"]?.ToJsonString()}, got {result?.ToJsonString()}");
        }
        else
        {
            Assert.False(ok, $"{description}: expected error {c["m"]}, got {result?.ToJsonString()}");
            var expected = c["m"]!.GetValue<string>();
            // Where MLflow itself crashes (HTTP 500) only the code matters: Python's exception
            // text (object addresses, exception class names) is not part of MLflow's API.
            // MLflow's 500s become 400 INVALID_PARAMETER_VALUE in Sharpflow (never copy a 500).
            var mlflowCode = c["c"]!.GetValue<string>();
            var crashed = mlflowCode == "INTERNAL_ERROR";
            var expectedCode = crashed ? "INVALID_PARAMETER_VALUE" : mlflowCode;
            var sameMessage = crashed || MessageAssert.SortSets(expected) == MessageAssert.SortSets(message!);
            Assert.True(expectedCode == code && sameMessage,
                $"{description}\nexpected: {c["c"]} {expected}\nactual:   {code} {message}");
        }
    }

    private static (bool Ok, JsonNode? Result, string? Code, string? Message) Run(string entity, string kind, JsonNode? input)
    {
        try
        {
            JsonNode? result = kind switch
            {
                "filter" => Filters(ParseFilter(entity, input?.GetValue<string>())),
                "order_by" => new JsonArray(Order(ParseOrderBy(entity, input!.GetValue<string>()))),
                "page_token" => JsonValue.Create(PageToken.Decode(input?.GetValue<string>())),
                _ => Query(entity, input!.AsArray()),
            };
            return (true, result, null, null);
        }
        catch (MlflowException e)
        {
            return (false, null, e.Code.ToString(), e.Message);
        }
    }

    private static IReadOnlyList<Comparison> ParseFilter(string entity, string? filter) => entity switch
    {
        "runs" => SearchFilter.ParseRuns(filter),
        "experiments" => SearchFilter.ParseExperiments(filter),
        "registered_models" => SearchFilter.ParseRegisteredModels(filter),
        "model_versions" => SearchFilter.ParseModelVersions(filter),
        "traces" => SearchFilter.ParseTraces(filter),
        _ => SearchFilter.ParseLoggedModels(filter),
    };

    private static OrderByClause ParseOrderBy(string entity, string clause) => entity switch
    {
        "runs" => SearchFilter.ParseRunOrderBy(clause),
        "experiments" => SearchFilter.ParseExperimentOrderBy(clause),
        "registered_models" => SearchFilter.ParseRegisteredModelOrderBy(clause),
        "model_versions" => SearchFilter.ParseModelVersionOrderBy(clause),
        _ => SearchFilter.ParseTraceOrderBy(clause),
    };

    private static JsonNode Query(string entity, JsonArray input)
    {
        var filter = input[0]?.GetValue<string>();
        var orderBy = input[1]?.AsArray().Select(n => n!.GetValue<string>()).ToList();
        var token = input[2]?.GetValue<string>();
        var q = entity switch
        {
            "runs" => SearchFilter.ParseRunQuery(filter, orderBy, token),
            "experiments" => SearchFilter.ParseExperimentQuery(filter, orderBy, token),
            "registered_models" => SearchFilter.ParseRegisteredModelQuery(filter, orderBy, token),
            "model_versions" => SearchFilter.ParseModelVersionQuery(filter, orderBy, token),
            _ => SearchFilter.ParseTraceQuery(filter, orderBy, token),
        };
        return new JsonObject
        {
            ["filters"] = Filters(q.Filters),
            ["order"] = new JsonArray(q.OrderBy.Select(o => (JsonNode)Order(o)).ToArray()),
            ["offset"] = q.Offset,
        };
    }

    private static JsonArray Filters(IReadOnlyList<Comparison> filters) =>
        new(filters.Select(f => (JsonNode)new JsonArray(f.EntityType, f.Key, f.Comparator, Value(f.Value))).ToArray());

    private static JsonArray Order(OrderByClause o) => new(o.EntityType, o.Key, o.Ascending);

    private static JsonNode? Value(FilterValue v) => v switch
    {
        FilterValue.StringValue s => s.Value,
        FilterValue.NumberValue n => new JsonObject { ["num"] = double.IsFinite(n.Value) ? n.Value : n.Value.ToString() },
        FilterValue.ListValue l => new JsonObject { ["list"] = new JsonArray(l.Values.Select(x => (JsonNode)x).ToArray()) },
        _ => null,
    };

    private static bool JsonEquals(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }
        if (a is JsonArray xa && b is JsonArray xb)
        {
            return xa.Count == xb.Count && xa.Zip(xb).All(p => JsonEquals(p.First, p.Second));
        }
        if (a is JsonObject oa && b is JsonObject ob)
        {
            return oa.Count == ob.Count && oa.All(kv => ob.ContainsKey(kv.Key) && JsonEquals(kv.Value, ob[kv.Key]));
        }
        if (a is JsonValue va && b is JsonValue vb)
        {
            if (va.GetValueKind() == JsonValueKind.Number && vb.GetValueKind() == JsonValueKind.Number)
            {
                return double.Parse(va.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)
                    == double.Parse(vb.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
            }
            return va.ToJsonString() == vb.ToJsonString();
        }
        return false;
    }
}
