namespace Sharpflow.Core.Tracing;

/// <summary>
/// The span's attribute dict as MLflow holds it while storing: insertion-ordered, a repeated key keeps its first
/// slot. A value is the Python str MLflow keeps (for OTLP attributes, JSON text), written into the span document
/// as a JSON string. The storage-time translation can also put a decoded non-string value there (a Spring AI event
/// attribute); such a value is kept as its JSON text and marked, so that it is written as JSON, not as a string.
/// </summary>
public sealed class AttributeDict(int capacity)
{
    private readonly List<string> _keys = new(capacity);
    private readonly List<string> _values = new(capacity);
    private Dictionary<string, int>? _index;
    // Keys whose value is JSON of a non-string; almost always null.
    private HashSet<string>? _jsonValued;

    public int Count => _keys.Count;
    public int TextLength { get; private set; }
    public string KeyAt(int i) => _keys[i];
    public string ValueAt(int i) => _values[i];

    /// <summary>True when the value at <paramref name="i"/> is JSON of a non-string value (to be written verbatim).</summary>
    public bool IsJsonAt(int i) => _jsonValued is not null && _jsonValued.Contains(_keys[i]);

    public bool IsJson(string key) => _jsonValued is not null && _jsonValued.Contains(key);

    public bool Contains(string key) => IndexOf(key) >= 0;

    public string? Get(string key) => IndexOf(key) is var i and >= 0 ? _values[i] : null;

    public void Set(string key, string value)
    {
        _jsonValued?.Remove(key);
        Put(key, value);
    }

    /// <summary>Sets a non-string value, given as its JSON text (json.dumps with ensure_ascii, as the span document).</summary>
    public void SetJson(string key, string json)
    {
        (_jsonValued ??= new HashSet<string>(StringComparer.Ordinal)).Add(key);
        Put(key, json);
    }

    private void Put(string key, string value)
    {
        var i = IndexOf(key);
        TextLength += value.Length + (i < 0 ? key.Length : -_values[i].Length);
        if (i >= 0)
        {
            _values[i] = value;
            return;
        }
        _keys.Add(key);
        _values.Add(value);
        _index?.Add(key, _keys.Count - 1);
    }

    private int IndexOf(string key)
    {
        if (_index is null && _keys.Count > 12)
        {
            _index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < _keys.Count; i++) _index[_keys[i]] = i;
        }
        if (_index is not null) return _index.TryGetValue(key, out var found) ? found : -1;
        for (var i = 0; i < _keys.Count; i++)
            if (_keys[i] == key) return i;
        return -1;
    }
}
