using Sharpflow.Core.Python;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Validation;

namespace Sharpflow.Server.Http;

/// <summary>Rules of MLflow's per-handler request schemas (handlers.py _assert_*).</summary>
public enum Rule { Required, String, IntLike, FloatLike, Bool, Array, ItemString }

/// <summary>
/// A request read the way MLflow reads it: GET from the query string (repeated keys for lists), other
/// methods from a JSON body. Parsing follows protobuf's JSON rules; a value protobuf rejects marks the
/// message as not parsed, which turns on the schema's type checks and leaves that field unset.
/// </summary>
public sealed class ProtoRequest
{
    private readonly JsonElement _root;
    private readonly HashSet<string> _invalid = [];

    private ProtoRequest(JsonElement root, ProtoMessage message)
    {
        _root = root;
        Message = message;
        ParseOk = Validate(root, message);
    }

    public ProtoMessage Message { get; }

    public bool ParseOk { get; }

    public JsonElement Root => _root;

    public static async Task<ProtoRequest> ReadAsync(HttpContext http, ProtoMessage message)
    {
        var req = http.Request;
        if (HttpMethods.IsGet(req.Method)) return new ProtoRequest(FromQuery(req.Query, message), message);
        if (HttpMethods.IsPost(req.Method) || HttpMethods.IsPut(req.Method))
        {
            var contentType = req.Headers.ContentType.ToString();
            if (string.IsNullOrEmpty(contentType))
                throw MlflowException.InvalidParameter("Bad Request. Content-Type header is missing.");
            if (contentType.Split(';')[0].Trim() != "application/json")
                throw MlflowException.InvalidParameter("Bad Request. Content-Type must be one of ['application/json'].");
        }
        var root = await ReadJsonBodyAsync(req).ConfigureAwait(false);
        return new ProtoRequest(root, message);
    }

    /// <summary>Raw body parsed as JSON; an unparsable or empty body counts as {} as in MLflow.</summary>
    public static async Task<JsonElement> ReadJsonBodyAsync(HttpRequest req)
    {
        using var ms = new MemoryStream();
        await req.Body.CopyToAsync(ms).ConfigureAwait(false);
        if (ms.Length == 0) return EmptyObject();
        try
        {
            using var doc = JsonDocument.Parse(ms.ToArray(), new JsonDocumentOptions { AllowTrailingCommas = false });
            var root = doc.RootElement.Clone();
            // Older clients double-encode the JSON body as a string.
            if (root.ValueKind == JsonValueKind.String)
            {
                try
                {
                    using var inner = JsonDocument.Parse(root.GetString()!);
                    root = inner.RootElement.Clone();
                }
                catch (JsonException)
                {
                    throw MlflowException.InvalidParameter("Request body is a JSON string that does not contain a JSON object.");
                }
            }
            if (root.ValueKind != JsonValueKind.Object)
                throw MlflowException.InvalidParameter($"Request body must be a JSON object, got {JsonRepr.TypeName(root)}.");
            return root;
        }
        catch (JsonException)
        {
            return EmptyObject();
        }
    }

    private static JsonElement EmptyObject()
    {
        using var doc = JsonDocument.Parse("{}");
        return doc.RootElement.Clone();
    }

    private static JsonElement FromQuery(IQueryCollection query, ProtoMessage message)
    {
        var obj = new JsonObject();
        foreach (var (name, field) in message.Fields)
        {
            if (!query.TryGetValue(name, out var values)) continue;
            if (field.Repeated)
            {
                var arr = new JsonArray();
                foreach (var v in values) arr.Add((JsonNode?)JsonValue.Create(v));
                obj[name] = arr;
            }
            else
            {
                var value = values[0] ?? "";
                if (field.Type == ProtoType.Bool)
                {
                    var lower = value.ToLowerInvariant();
                    if (lower is not ("true" or "false"))
                        throw MlflowException.InvalidParameter($"Invalid boolean value: {value}, must be 'true' or 'false'.");
                    obj[name] = lower == "true";
                }
                else obj[name] = value;
            }
        }
        return JsonSerializer.SerializeToElement(obj, QueryJsonContext.Default.JsonObject);
    }

    // protobuf json_format acceptance, per field type.
    private bool Validate(JsonElement obj, ProtoMessage message, string prefix = "")
    {
        var ok = true;
        foreach (var prop in obj.EnumerateObject())
        {
            if (!message.Fields.TryGetValue(prop.Name, out var field) || prop.Value.ValueKind == JsonValueKind.Null) continue;
            bool fieldOk;
            if (field.Repeated)
            {
                fieldOk = prop.Value.ValueKind == JsonValueKind.Array && prop.Value.EnumerateArray().All(item => item.ValueKind != JsonValueKind.Null && ValueOk(item, field));
            }
            else fieldOk = ValueOk(prop.Value, field);
            if (!fieldOk)
            {
                _invalid.Add(prefix + prop.Name);
                ok = false;
            }
        }
        return ok;
    }

    private bool ValueOk(JsonElement v, ProtoField field) => field.Type switch
    {
        ProtoType.String => v.ValueKind == JsonValueKind.String,
        ProtoType.Int64 => TryInt64(v, out _),
        ProtoType.Double => TryDouble(v, out _),
        ProtoType.Bool => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
        ProtoType.Enum => v.ValueKind == JsonValueKind.String ? field.EnumNames!.Contains(v.GetString())
            : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= 1 && n <= field.EnumNames!.Length,
        ProtoType.Message => v.ValueKind == JsonValueKind.Object && Validate(v, field.Message!, field.Name + "."),
        _ => false,
    };

    public static bool TryInt64(JsonElement v, out long value)
    {
        value = 0;
        if (v.ValueKind == JsonValueKind.Number)
        {
            if (v.TryGetInt64(out value)) return true;
            if (v.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9.2e18) { value = (long)d; return true; }
            return false;
        }
        return v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryDouble(JsonElement v, out double value)
    {
        value = 0;
        if (v.ValueKind == JsonValueKind.Number) return v.TryGetDouble(out value);
        if (v.ValueKind != JsonValueKind.String) return false;
        var s = v.GetString()!;
        switch (s)
        {
            case "NaN": value = double.NaN; return true;
            case "Infinity": value = double.PositiveInfinity; return true;
            case "-Infinity": value = double.NegativeInfinity; return true;
        }
        if (s.Contains("inf", StringComparison.OrdinalIgnoreCase) || s.Contains("nan", StringComparison.OrdinalIgnoreCase)) return false;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Applies one schema entry as MLflow does: checked when present (or required), type rules only when parsing failed.</summary>
    public ProtoRequest Check(string param, params Rule[] rules) => Check(param, null, rules);

    public ProtoRequest Check(string param, Action<JsonElement>? custom, params Rule[] rules)
    {
        var present = _root.TryGetProperty(param, out var value);
        if (!present && param == "run_id" && _root.TryGetProperty("run_uuid", out var alt) && alt.ValueKind != JsonValueKind.Null)
        {
            value = alt;
            present = true;
        }
        if (!present && !rules.Contains(Rule.Required)) return this;
        foreach (var rule in rules)
        {
            if (rule != Rule.Required && ParseOk) continue;
            if (!Passes(rule, value, present))
            {
                var message = rule == Rule.Required
                    ? $"Missing value for required parameter '{param}'."
                    : TrackingValidation.InvalidValue(param, present ? JsonRepr.Compact(value) : "null",
                        $" Hint: Value was of type '{(present ? JsonRepr.TypeName(value) : "NoneType")}'.");
                throw MlflowException.InvalidParameter(message + " See the API docs for more information about request parameters.");
            }
        }
        if (custom is not null && present && value.ValueKind != JsonValueKind.Null) custom(value);
        return this;
    }

    /// <summary>A custom schema assertion that failed, with MLflow's framing.</summary>
    public static MlflowException SchemaFailure(string param, JsonElement value, string? message = null) =>
        MlflowException.InvalidParameter((message ?? TrackingValidation.InvalidValue(param, JsonRepr.Compact(value),
            $" Hint: Value was of type '{JsonRepr.TypeName(value)}'.")) + " See the API docs for more information about request parameters.");

    private static bool Passes(Rule rule, JsonElement v, bool present)
    {
        if (!present || v.ValueKind == JsonValueKind.Null) return false;
        return rule switch
        {
            Rule.Required => !(v.ValueKind == JsonValueKind.String && v.GetString()!.Length == 0),
            Rule.String => v.ValueKind == JsonValueKind.String,
            Rule.IntLike => v.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
                            || (v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString()!.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)),
            Rule.FloatLike => v.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
                              || (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString()!.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                              || (v.ValueKind == JsonValueKind.String && v.GetString()!.Trim().ToLowerInvariant() is "nan" or "inf" or "-inf" or "infinity" or "-infinity" or "+inf"),
            Rule.Bool => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
            Rule.Array => v.ValueKind == JsonValueKind.Array,
            Rule.ItemString => v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(i => i.ValueKind == JsonValueKind.String),
            _ => true,
        };
    }

    // Accessors: the value protobuf would hold (unset when absent or rejected).
    private bool TryGet(string name, out JsonElement v) =>
        _root.TryGetProperty(name, out v) && v.ValueKind != JsonValueKind.Null && !_invalid.Contains(name);

    public bool Has(string name) => TryGet(name, out _);

    public string? GetString(string name) => TryGet(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>proto2 default for an unset string field.</summary>
    public string GetStringOrEmpty(string name) => GetString(name) ?? "";

    public long? GetInt64(string name) => TryGet(name, out var v) && TryInt64(v, out var l) ? l : null;

    public double? GetDouble(string name) => TryGet(name, out var v) && TryDouble(v, out var d) ? d : null;

    public bool? GetBool(string name) => TryGet(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    public string? GetEnum(string name)
    {
        if (!TryGet(name, out var v)) return null;
        var field = Message.Fields[name];
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        return v.TryGetInt32(out var n) ? field.EnumNames![n - 1] : null;
    }

    public List<string> GetStringList(string name) =>
        TryGet(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!).ToList()
            : [];

    public List<JsonElement> GetMessages(string name) =>
        TryGet(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).ToList()
            : [];

    public JsonElement? GetMessage(string name) => TryGet(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    /// <summary>run_id, falling back to the legacy run_uuid field.</summary>
    public string RunId()
    {
        var id = GetString("run_id");
        return !string.IsNullOrEmpty(id) ? id : GetStringOrEmpty("run_uuid");
    }
}

/// <summary>Field readers for nested request messages (tags, metrics, datasets).</summary>
public static class JsonFields
{
    public static string? Str(this JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static long? Int64(this JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && ProtoRequest.TryInt64(v, out var l) ? l : null;

    public static double? Double(this JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && ProtoRequest.TryDouble(v, out var d) ? d : null;

    public static JsonElement? Obj(this JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    public static IEnumerable<JsonElement> Arr(this JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : [];
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
internal partial class QueryJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
