using System.Text;

namespace Sharpflow.Core.Search;

/// <summary>
/// POSIX shell-style word splitting (Python's <c>shlex.split</c>), which MLflow uses to cut an
/// order_by clause into key and direction after turning backticks into double quotes. Quotes
/// group words and disappear; a backslash escapes the next character outside single quotes.
/// </summary>
internal static class Shlex
{
    public sealed class ShlexException(string message) : Exception(message);

    public static List<string> Split(string s)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
                i++;
            }
            else if (c == '\\')
            {
                if (i + 1 >= s.Length)
                {
                    throw new ShlexException("No escaped character");
                }
                word.Append(s[i + 1]);
                inWord = true;
                i += 2;
            }
            else if (c is '\'' or '"')
            {
                inWord = true;
                i++;
                while (true)
                {
                    if (i >= s.Length)
                    {
                        throw new ShlexException("No closing quotation");
                    }
                    if (s[i] == c)
                    {
                        i++;
                        break;
                    }
                    // Inside double quotes a backslash only escapes another backslash or the quote.
                    if (c == '"' && s[i] == '\\' && i + 1 >= s.Length)
                    {
                        throw new ShlexException("No escaped character");
                    }
                    if (c == '"' && s[i] == '\\' && s[i + 1] is '\\' or '"')
                    {
                        word.Append(s[i + 1]);
                        i += 2;
                        continue;
                    }
                    word.Append(s[i]);
                    i++;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }
}
