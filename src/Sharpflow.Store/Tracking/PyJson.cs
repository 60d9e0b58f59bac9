using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sharpflow.Core.Validation;

namespace Sharpflow.Store.Tracking;

/// <summary>json.dumps with Python's default separators (", " and ": "), for values MLflow stores as JSON text.</summary>
internal static class PyJson
{
    public static string Dumps(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null: sb.Append("null"); break;
            case JsonObject o:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in o)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    sb.Append(PyRepr.JsonDumps(k)).Append(": ");
                    Write(sb, v);
                }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Write(sb, a[i]);
                }
                sb.Append(']');
                break;
            case JsonValue v:
                var el = v.GetValue<JsonElement>();
                sb.Append(el.ValueKind == JsonValueKind.String ? PyRepr.JsonDumps(el.GetString()) : el.GetRawText());
                break;
        }
    }
}
