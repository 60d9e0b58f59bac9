namespace Sharpflow.Core.Tracing;

/// <summary>Python truthiness and dict access over PyJson's decoded shapes.</summary>
public static class PyObjects
{
    public static object? Get(List<KeyValuePair<string, object?>> dict, string key)
    {
        for (var i = dict.Count - 1; i >= 0; i--)
            if (dict[i].Key == key) return dict[i].Value;
        return null;
    }

    public static bool Has(List<KeyValuePair<string, object?>> dict, string key)
    {
        foreach (var kv in dict)
            if (kv.Key == key) return true;
        return false;
    }

    public static bool Truthy(object? v) => v switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        System.Numerics.BigInteger i => !i.IsZero,
        double d => d != 0,
        System.Collections.ICollection c => c.Count > 0,
        _ => true,
    };
}
