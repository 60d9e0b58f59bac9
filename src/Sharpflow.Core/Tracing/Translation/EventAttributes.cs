namespace Sharpflow.Core.Tracing.Translation;

/// <summary>Reading decoded event attributes as MLflow's dict of them (a repeated key: the last value).</summary>
internal static class EventAttributes
{
    public static bool TryGet(OtlpEvent ev, string key, out OtlpValue value)
    {
        var attrs = ev.Attributes;
        for (var i = attrs.Count - 1; i >= 0; i--)
        {
            if (attrs[i].Key != key) continue;
            value = attrs[i].Value;
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>event_attrs.get(key) is truthy.</summary>
    public static bool TryGetTruthy(OtlpEvent ev, string key, out OtlpValue value) =>
        TryGet(ev, key, out value) && PyObjectJson.Truthy(value);
}
