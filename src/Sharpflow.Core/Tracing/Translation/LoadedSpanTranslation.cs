using Sharpflow.Core.Python;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>
/// The translation MLflow 3.11 applies to a span read back from the <c>spans</c> table (traces/get, batchGet, the
/// traces.json download): only the span type, from the conventions' kind attributes, when the stored type is
/// absent, null or "UNKNOWN". Spans stored since the storage-time translation already have it; this gives the
/// same reading to spans stored before (by an older Sharpflow, or an MLflow without the translation). Failures
/// leave the span as stored, as MLflow's do.
/// </summary>
public static class LoadedSpanTranslation
{
    /// <param name="attributes">The stored document's attribute dict, changed in place.</param>
    public static void Apply(List<KeyValuePair<string, object?>> attributes)
    {
        var typeIndex = -1;
        var carriesConvention = false;
        for (var i = 0; i < attributes.Count; i++)
        {
            var key = attributes[i].Key;
            if (key == SpanKeys.SpanType) typeIndex = i;
            else carriesConvention |= SpanTranslation.IsConventionKey(key);
        }
        if (!carriesConvention) return;

        var current = typeIndex < 0 ? null : attributes[typeIndex].Value;
        if (PyObjects.Truthy(current) && (current is string raw ? StoredJson.Decode(raw) : current) is not (null or SpanTypes.Unknown)) return;

        var attrs = new AttributeDict(attributes.Count);
        string? type = null;
        try
        {
            foreach (var (key, value) in attributes)
            {
                if (value is string text) attrs.Set(key, text);
                else attrs.SetJson(key, PyJson.Dumps(value));
            }
            foreach (var t in Translators.All)
                if ((type = t.SpanType(attrs)) is not null) break;
        }
        catch (Exception e) when (e is SpanStoreException or PyJson.TooDeepException or ArgumentException)
        {
            return;
        }
        if (type is null) return;
        var stored = new KeyValuePair<string, object?>(SpanKeys.SpanType, PyObjectJson.Quote(type));
        if (typeIndex >= 0) attributes[typeIndex] = stored;
        else attributes.Add(stored);
    }
}
