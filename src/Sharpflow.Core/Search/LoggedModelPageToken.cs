using Sharpflow.Core.Python;
using System.Numerics;
using System.Text;

namespace Sharpflow.Core.Search;

/// <summary>
/// The logged-model search page token: base64 of a JSON object remembering the request
/// (experiment ids, filter, order_by) next to the offset, so that a token is only honoured for
/// the same request. Values are kept as decoded (they may be of any JSON type in a forged token).
/// </summary>
public sealed class LoggedModelPageToken
{
    public LoggedModelPageToken(IReadOnlyList<string> experimentIds, string? filterString, IReadOnlyList<LoggedModelOrderBy>? orderBy, long offset)
        : this(experimentIds.Cast<object?>().ToList(), filterString, orderBy?.Select(ToPython).Cast<object?>().ToList(), offset)
    {
    }

    private LoggedModelPageToken(object? experimentIds, object? filterString, object? orderBy, long offset)
    {
        ExperimentIds = experimentIds;
        FilterString = filterString;
        OrderBy = orderBy;
        Offset = offset;
    }

    internal object? ExperimentIds { get; }

    internal object? FilterString { get; }

    internal object? OrderBy { get; }

    public long Offset { get; }

    public string Encode()
    {
        var json = PyJson.Dumps(new List<KeyValuePair<string, object?>>
        {
            new("experiment_ids", ExperimentIds), new("filter_string", FilterString), new("order_by", OrderBy), new("offset", Offset),
        });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Decodes a token; MLflow only reports JSON errors as invalid, other failures crash it (HTTP 500).</summary>
    public static LoggedModelPageToken Decode(string token)
    {
        var bytes = PageToken.Base64Lenient(Encoding.UTF8.GetBytes(token), out var error) ?? throw SearchCommon.Crash(error!);
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw SearchCommon.Crash("'utf-8' codec can't decode the page token");
        }
        object? parsed;
        try
        {
            if (text.StartsWith('\ufeff'))
            {
                throw new PyJson.DecodeException("Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)");
            }
            parsed = PyJson.Loads(text);
        }
        catch (PyJson.DecodeException e)
        {
            throw SearchCommon.Invalid($"Invalid page token: {token}. {e.Message}");
        }
        catch (PyJson.TooDeepException e)
        {
            throw SearchCommon.Crash(e.Message);
        }
        if (parsed is not List<KeyValuePair<string, object?>> dict)
        {
            throw SearchCommon.Crash($"'{PageToken.PythonTypeName(parsed)}' object has no attribute 'get'");
        }
        object? Get(string key) => dict.FirstOrDefault(kv => kv.Key == key).Value;
        object? OrNone(object? v) => PageToken.IsTruthy(v) ? v : null;
        var offset = OrNone(Get("offset")) switch
        {
            null => 0L,
            bool b => b ? 1L : 0L,
            BigInteger i when i >= long.MinValue && i <= long.MaxValue => (long)i,
            var other => throw SearchCommon.Crash($"Invalid offset in page token: {PythonRepr.Json(other)}"),
        };
        return new LoggedModelPageToken(Get("experiment_ids"), OrNone(Get("filter_string")), OrNone(Get("order_by")), offset);
    }

    /// <summary>Rejects a token issued for a different request, with MLflow's messages.</summary>
    public void Validate(IReadOnlyList<string> experimentIds, string? filterString, IReadOnlyList<LoggedModelOrderBy>? orderBy)
    {
        var ids = experimentIds.Cast<object?>().ToList();
        if (!PyEquals(ExperimentIds, ids))
        {
            throw SearchCommon.Invalid("Experiment IDs in the page token do not match the requested experiment IDs. "
                + $"Expected: {PythonRepr.Json(ids)}. Found: {PyStr(ExperimentIds)}");
        }
        if (!PyEquals(FilterString, filterString))
        {
            throw SearchCommon.Invalid("Filter string in the page token does not match the requested filter string. "
                + $"Expected: {PyStr(filterString)}. Found: {PyStr(FilterString)}");
        }
        var order = orderBy?.Select(ToPython).Cast<object?>().ToList();
        if (!PyEquals(OrderBy, order))
        {
            throw SearchCommon.Invalid("Order by in the page token does not match the requested order by. "
                + $"Expected: {PyStr(order)}. Found: {PyStr(OrderBy)}");
        }
    }

    private static List<KeyValuePair<string, object?>> ToPython(LoggedModelOrderBy o) =>
    [
        new("field_name", o.FieldName), new("ascending", o.Ascending), new("dataset_name", o.DatasetName), new("dataset_digest", o.DatasetDigest),
    ];

    /// <summary>Python's str() of a value: strings as-is, everything else as repr.</summary>
    private static string PyStr(object? v) => v is string s ? s : PythonRepr.Json(v);

    /// <summary>Python equality of JSON-shaped values (numbers by value, dicts regardless of key order).</summary>
    private static bool PyEquals(object? a, object? b)
    {
        switch (a, b)
        {
            case (null, null):
                return true;
            case (List<KeyValuePair<string, object?>> x, List<KeyValuePair<string, object?>> y):
                return x.Count == y.Count && x.All(kv => y.Any(o => o.Key == kv.Key && PyEquals(kv.Value, o.Value)));
            case (List<object?> x, List<object?> y):
                return x.Count == y.Count && x.Zip(y).All(p => PyEquals(p.First, p.Second));
            case (string x, string y):
                return x == y;
        }
        var (na, nb) = (AsNumber(a), AsNumber(b));
        return na is not null && nb is not null && na == nb;
    }

    private static double? AsNumber(object? v) => v switch
    {
        bool b => b ? 1 : 0,
        BigInteger i => (double)i,
        double d => d,
        long l => l,
        _ => null,
    };
}
