namespace Sharpflow.Core.Validation;

/// <summary>posixpath.normpath, which MLflow uses to decide whether a key "resolves to another name".</summary>
public static class PosixPath
{
    public static string NormPath(string path)
    {
        if (path.Length == 0) return ".";
        var initialSlashes = path.StartsWith('/') ? (path.StartsWith("//") && !path.StartsWith("///") ? 2 : 1) : 0;
        var parts = new List<string>();
        foreach (var comp in path.Split('/'))
        {
            if (comp.Length == 0 || comp == ".") continue;
            if (comp != ".." || (initialSlashes == 0 && parts.Count == 0) || (parts.Count > 0 && parts[^1] == ".."))
                parts.Add(comp);
            else if (parts.Count > 0)
                parts.RemoveAt(parts.Count - 1);
        }
        var result = string.Join('/', parts);
        if (initialSlashes > 0) result = new string('/', initialSlashes) + result;
        return result.Length == 0 ? "." : result;
    }
}
