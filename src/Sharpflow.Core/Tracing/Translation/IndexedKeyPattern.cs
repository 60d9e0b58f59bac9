using System.Globalization;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>
/// A key prefix made of literal parts with a decimal index between each two (<c>part0 \d+ part1 \d+ part2</c>),
/// matched at the start of a key like Python's re.match: anything may follow the last part. \d is any Unicode
/// decimal digit, as in Python's str patterns.
/// </summary>
internal sealed class IndexedKeyPattern(params string[] parts)
{
    public bool Matches(string key)
    {
        if (!key.StartsWith(parts[0], StringComparison.Ordinal)) return false;
        var pos = parts[0].Length;
        for (var p = 1; p < parts.Length; p++)
        {
            var digitsStart = pos;
            while (pos < key.Length && CharUnicodeInfo.GetUnicodeCategory(key, pos) == UnicodeCategory.DecimalDigitNumber)
                pos += char.IsHighSurrogate(key[pos]) ? 2 : 1;
            if (pos == digitsStart || pos + parts[p].Length > key.Length || string.CompareOrdinal(key, pos, parts[p], 0, parts[p].Length) != 0)
                return false;
            pos += parts[p].Length;
        }
        return true;
    }
}
