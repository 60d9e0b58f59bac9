using System.Globalization;
using System.Numerics;
using System.Text;
using Sharpflow.Core.Python;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>
/// A token count read from a stored attribute as MLflow reads it: the JSON-decoded int (a bool counts, being an
/// int in Python, and stays a bool in the stored usage), or a decoded string that Python's int() accepts; floats,
/// lists and other shapes give no count.
/// </summary>
internal static class TokenCount
{
    /// <summary>Python's int() digit limit (sys.int_info.str_digits_check_threshold default): longer strings raise ValueError.</summary>
    private const int MaxDigits = 4300;

    /// <returns>A <see cref="BigInteger"/>, a <see cref="bool"/>, or null.</returns>
    public static object? Parse(string? text)
    {
        if (text is null) return null;
        // The usual stored count is a bare integer literal (an OTLP int attribute): no need for the JSON decoder.
        if (text.Length is > 0 and <= 18 && IsPlainInteger(text)) return new BigInteger(long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        object? decoded;
        try
        {
            decoded = PyJson.Loads(text);
        }
        catch (PyJson.DecodeException)
        {
            return PyInt(text);
        }
        switch (decoded)
        {
            case BigInteger or bool:
                return decoded;
            case string s when PyInt(s) is { } fromString:
                return fromString;
            default:
                // Python falls back to int() of the raw text, which only a bare integer literal passes (and that
                // would have decoded as an int above).
                return PyInt(text);
        }
    }

    // JSON's integer grammar: an optional minus, then 0 or digits without a leading zero.
    private static bool IsPlainInteger(string text)
    {
        var i = text[0] == '-' ? 1 : 0;
        if (i == text.Length || (text[i] == '0' && text.Length > i + 1)) return false;
        for (; i < text.Length; i++)
            if (text[i] is < '0' or > '9') return false;
        return true;
    }

    /// <summary>Python's int(str): surrounding whitespace, a sign, decimal digits of any script, single underscores between digits.</summary>
    public static BigInteger? PyInt(string s)
    {
        int start = 0, end = s.Length;
        while (start < end && IsPySpace(s[start])) start++;
        while (end > start && IsPySpace(s[end - 1])) end--;
        if (start == end) return null;
        var negative = false;
        if (s[start] is '+' or '-')
        {
            negative = s[start] == '-';
            start++;
        }
        var digits = new StringBuilder(end - start);
        var lastWasDigit = false;
        for (var i = start; i < end; i++)
        {
            if (s[i] == '_')
            {
                if (!lastWasDigit) return null;
                lastWasDigit = false;
                continue;
            }
            // Both calls read a surrogate pair as one code point (digits exist outside the BMP too).
            var value = CharUnicodeInfo.GetDecimalDigitValue(s, i);
            if (value < 0 || CharUnicodeInfo.GetUnicodeCategory(s, i) != UnicodeCategory.DecimalDigitNumber) return null;
            digits.Append((char)('0' + value));
            if (char.IsHighSurrogate(s[i]) && i + 1 < end && char.IsLowSurrogate(s[i + 1])) i++;
            lastWasDigit = true;
        }
        if (!lastWasDigit || digits.Length > MaxDigits) return null;
        var n = BigInteger.Parse(digits.ToString(), NumberStyles.None, CultureInfo.InvariantCulture);
        return negative ? -n : n;
    }

    // str.isspace as int() applies it: Unicode whitespace plus the ASCII separators \x1c-\x1f.
    private static bool IsPySpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';
}
