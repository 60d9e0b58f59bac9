using Sharpflow.Core.Python;
using System.Numerics;
using System.Text;

namespace Sharpflow.Core.Search;

/// <summary>
/// MLflow's offset page token: base64 of the JSON <c>{"offset": N}</c>. Decoding follows
/// MLflow step by step (lenient base64, JSON, an <c>offset</c> key, Python's <c>int()</c>),
/// each step failing with MLflow's message; the decoded value appears in the messages the way
/// Python prints it.
/// </summary>
public static class PageToken
{
    public static string Encode(long offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"offset\": {offset}}}"));

    /// <summary>The offset a token encodes; 0 for a missing or empty token.</summary>
    public static long Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }
        if (token.Any(c => c > 0x7f))
        {
            throw SearchCommon.Crash("string argument should contain only ASCII characters");
        }
        var bytes = Base64Lenient(Encoding.ASCII.GetBytes(token), out _)
            ?? throw SearchCommon.Invalid("Invalid page token, could not base64-decode");
        object? parsed;
        try
        {
            parsed = PyJson.Loads(DecodeJsonBytes(bytes));
        }
        catch (Exception e) when (e is PyJson.DecodeException or DecoderFallbackException or ArgumentException)
        {
            throw SearchCommon.Invalid($"Invalid page token, decoded value={PythonRepr.Bytes(bytes)}");
        }
        catch (PyJson.TooDeepException e)
        {
            throw SearchCommon.Crash(e.Message);
        }
        if (parsed is not List<KeyValuePair<string, object?>> dict)
        {
            throw SearchCommon.Crash($"'{PythonTypeName(parsed)}' object has no attribute 'get'");
        }
        var offset = dict.FirstOrDefault(kv => kv.Key == "offset").Value;
        if (!IsTruthy(offset))
        {
            throw SearchCommon.Invalid($"Invalid page token, parsed value={PythonRepr.Json(parsed)}");
        }
        return PythonInt(offset);
    }

    /// <summary>
    /// Python's non-validating base64 decoding: characters outside the alphabet are skipped and
    /// decoding stops at a complete padding sequence. Null when the length is impossible
    /// (<paramref name="error"/> then holds Python's message).
    /// </summary>
    internal static byte[]? Base64Lenient(byte[] input, out string? error)
    {
        var output = new List<byte>(input.Length * 3 / 4);
        int quadPos = 0, leftChar = 0, pads = 0;
        foreach (var ch in input)
        {
            if (ch == '=')
            {
                if (quadPos >= 2 && quadPos + ++pads >= 4)
                {
                    error = null;
                    return output.ToArray();
                }
                continue;
            }
            var v = ch switch
            {
                >= (byte)'A' and <= (byte)'Z' => ch - 'A',
                >= (byte)'a' and <= (byte)'z' => ch - 'a' + 26,
                >= (byte)'0' and <= (byte)'9' => ch - '0' + 52,
                (byte)'+' => 62,
                (byte)'/' => 63,
                _ => -1,
            };
            if (v < 0)
            {
                continue;
            }
            pads = 0;
            switch (quadPos)
            {
                case 0:
                    quadPos = 1;
                    leftChar = v;
                    break;
                case 1:
                    quadPos = 2;
                    output.Add((byte)((leftChar << 2) | (v >> 4)));
                    leftChar = v & 0x0f;
                    break;
                case 2:
                    quadPos = 3;
                    output.Add((byte)(((leftChar << 4) | (v >> 2)) & 0xff));
                    leftChar = v & 0x03;
                    break;
                default:
                    quadPos = 0;
                    output.Add((byte)(((leftChar << 6) | v) & 0xff));
                    leftChar = 0;
                    break;
            }
        }
        if (quadPos == 0)
        {
            error = null;
            return output.ToArray();
        }
        error = quadPos == 1
            ? $"Invalid base64-encoded string: number of data characters ({output.Count / 3 * 4 + 1}) cannot be 1 more than a multiple of 4"
            : "Incorrect padding";
        return null;
    }

    /// <summary>Python's json.loads on bytes: the encoding is sniffed from BOMs and zero bytes.</summary>
    private static string DecodeJsonBytes(byte[] b)
    {
        Encoding encoding;
        var skip = 0;
        if (b.AsSpan().StartsWith(new byte[] { 0, 0, 0xfe, 0xff }) || b.AsSpan().StartsWith(new byte[] { 0xff, 0xfe, 0, 0 }))
        {
            encoding = b[0] == 0 ? new UTF32Encoding(true, false, true) : new UTF32Encoding(false, false, true);
            skip = 4;
        }
        else if (b.AsSpan().StartsWith(new byte[] { 0xfe, 0xff }) || b.AsSpan().StartsWith(new byte[] { 0xff, 0xfe }))
        {
            encoding = new UnicodeEncoding(b[0] == 0xfe, false, true);
            skip = 2;
        }
        else if (b.AsSpan().StartsWith(new byte[] { 0xef, 0xbb, 0xbf }))
        {
            encoding = new UTF8Encoding(false, true);
            skip = 3;
        }
        else if (b.Length >= 4 && b[0] == 0)
        {
            encoding = b[1] != 0 ? new UnicodeEncoding(true, false, true) : new UTF32Encoding(true, false, true);
        }
        else if (b.Length >= 4 && b[1] == 0)
        {
            encoding = b[2] != 0 || b[3] != 0 ? new UnicodeEncoding(false, false, true) : new UTF32Encoding(false, false, true);
        }
        else if (b.Length == 2 && (b[0] == 0 || b[1] == 0))
        {
            encoding = new UnicodeEncoding(b[0] == 0, false, true);
        }
        else
        {
            encoding = new UTF8Encoding(false, true);
        }
        return encoding.GetString(b, skip, b.Length - skip);
    }

    internal static bool IsTruthy(object? v) => v switch
    {
        null => false,
        bool b => b,
        BigInteger i => !i.IsZero,
        double d => d != 0,
        string s => s.Length > 0,
        System.Collections.ICollection c => c.Count > 0,
        _ => true,
    };

    internal static string PythonTypeName(object? v) => v switch
    {
        null => "NoneType",
        bool => "bool",
        BigInteger => "int",
        double => "float",
        string => "str",
        List<KeyValuePair<string, object?>> => "dict",
        _ => "list",
    };

    /// <summary>Python's int() of a decoded offset, with MLflow's message when a string is not a number.</summary>
    private static long PythonInt(object? v)
    {
        BigInteger value;
        switch (v)
        {
            case bool b:
                return b ? 1 : 0;
            case BigInteger i:
                value = i;
                break;
            case double d when double.IsNaN(d):
                throw SearchCommon.Invalid("Invalid page token, not stringable nan");
            case double d when double.IsInfinity(d):
                throw SearchCommon.Crash("cannot convert float infinity to integer");
            case double d:
                value = new BigInteger(Math.Truncate(d));
                break;
            case string s:
                var text = s.Trim().Replace("_", "", StringComparison.Ordinal);
                var wellFormed = System.Text.RegularExpressions.Regex.IsMatch(s.Trim(), @"^[+-]?\d+(_\d+)*$");
                if (!wellFormed || !BigInteger.TryParse(NormalizeDigits(text), System.Globalization.NumberStyles.AllowLeadingSign,
                        System.Globalization.CultureInfo.InvariantCulture, out value))
                {
                    throw SearchCommon.Invalid($"Invalid page token, not stringable {s}");
                }
                break;
            default:
                throw SearchCommon.Crash($"int() argument must be a string, a bytes-like object or a real number, not '{PythonTypeName(v)}'");
        }
        return value >= long.MinValue && value <= long.MaxValue
            ? (long)value
            : throw SearchCommon.Crash("Python int too large to convert to SQLite INTEGER");
    }

    private static string NormalizeDigits(string s) =>
        new(s.Select(c => char.IsDigit(c) ? (char)('0' + (int)char.GetNumericValue(c)) : c).ToArray());
}
