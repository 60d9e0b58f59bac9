using System.Text;
using System.Text.RegularExpressions;

namespace Sharpflow.Server.Http;

/// <summary>Python's fnmatch.fnmatch (case-sensitive on POSIX): '*', '?', '[seq]', '[!seq]'.</summary>
public static class Fnmatch
{
    public static bool IsMatch(string name, string pattern) => ToRegex(pattern).IsMatch(name);

    public static Regex ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '[':
                    var close = pattern.IndexOf(']', i + 2 <= pattern.Length ? i + 2 : i + 1);
                    if (close < 0) { sb.Append("\\["); break; }
                    var body = pattern[(i + 1)..close];
                    if (body.StartsWith('!')) body = "^" + body[1..];
                    sb.Append('[').Append(body.Replace("\\", "\\\\")).Append(']');
                    i = close;
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }
}
