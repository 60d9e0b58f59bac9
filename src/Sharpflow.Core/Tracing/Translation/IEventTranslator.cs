namespace Sharpflow.Core.Tracing.Translation;

/// <summary>A convention that also reads span events (MLflow consults these only when no attribute gave inputs/outputs).</summary>
internal interface IEventTranslator
{
    EventValue? InputsFromEvents(List<OtlpEvent> events);
    EventValue? OutputsFromEvents(List<OtlpEvent> events);
}

/// <summary>A value for <c>mlflow.spanInputs</c>/<c>mlflow.spanOutputs</c> taken from events: a str, or JSON of any other decoded value.</summary>
internal readonly record struct EventValue(string Text, bool IsJson);
