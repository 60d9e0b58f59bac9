namespace Sharpflow.Core.Tracing.Translation;

/// <summary>A convention that also reads span events (MLflow consults these only when no attribute gave inputs/outputs).</summary>
internal interface IEventTranslator
{
    EventValue? InputsFromEvents(List<OtlpEvent> events);
    EventValue? OutputsFromEvents(List<OtlpEvent> events);
}

/// <summary>A value for <c>mlflow.spanInputs</c>/<c>mlflow.spanOutputs</c> taken from events: a str, or JSON of any other decoded value.</summary>
internal readonly record struct EventValue(string Text, bool IsJson);

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
