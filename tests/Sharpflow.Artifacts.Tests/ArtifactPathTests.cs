using System.Text.Json;
using Sharpflow.Core.Errors;

namespace Sharpflow.Artifacts.Tests;

/// <summary>ArtifactPath against MLflow's own validate_path_is_safe (Data/mlflow_path_oracle.json; see Data/README.md), plus Sharpflow's stricter rules.</summary>
public class ArtifactPathTests
{
    private static readonly JsonElement Oracle =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "mlflow_path_oracle.json"))).RootElement;

    public static IEnumerable<object[]> MlflowCases() =>
        Oracle.GetProperty("paths").EnumerateArray().Select(c => new object[]
        {
            c.GetProperty("in").GetString()!,
            c.TryGetProperty("out", out var o) ? o.GetString()! : null!,
        });

    [Theory]
    [MemberData(nameof(MlflowCases))]
    public void Accepts_and_rewrites_paths_as_MLflow_does(string raw, string? mlflowResult)
    {
        var parsed = ArtifactPath.TryParse(raw);
        if (mlflowResult is null)
        {
            Assert.Null(parsed);
            var e = Assert.Throws<MlflowException>(() => ArtifactPath.Parse(raw));
            Assert.Equal(ErrorCode.INVALID_PARAMETER_VALUE, e.Code);
            Assert.Equal("Invalid path", e.Message);
        }
        else
        {
            Assert.NotNull(parsed);
            Assert.Equal(mlflowResult, parsed.Text);
        }
    }

    [Theory]
    [InlineData("a/./b//c/", "a/b/c", new[] { "a", "b", "c" })]
    [InlineData(".", "", new string[0])]
    [InlineData("", "", new string[0])]
    [InlineData("./x", "x", new[] { "x" })]
    [InlineData("%2e/x", "x", new[] { "x" })]
    public void Segments_drop_empty_and_dot_names(string raw, string normalized, string[] segments)
    {
        var p = ArtifactPath.Parse(raw);
        Assert.Equal(normalized, p.Normalized);
        Assert.Equal(segments, p.Segments);
        Assert.Equal(segments.Length == 0, p.IsRoot);
    }

    [Theory]
    [InlineData("..\\..\\mlflow.db")]
    [InlineData("1/..%5c..%5cmlflow.db")]
    [InlineData("a\\b")]
    [InlineData("hello.txt\u0000.png")]
    [InlineData("hello.txt%00.png")]
    [InlineData("a/%01x")]
    [InlineData("a\u007fb")]
    public void Names_with_backslashes_or_control_characters_can_never_exist(string raw)
    {
        var p = ArtifactPath.Parse(raw);
        Assert.False(p.CanExist);
    }

    [Fact]
    public void A_leading_control_character_is_stripped_as_MLflow_does()
    {
        // urlparse strips leading C0 characters, so MLflow reads "x" for "%01x"; that name is an ordinary one.
        var p = ArtifactPath.Parse("%01x");
        Assert.Equal("x", p.Text);
        Assert.True(p.CanExist);
    }

    [Fact]
    public void Nul_prints_as_MLflow_prints_it()
    {
        Assert.Equal("1/r/artifacts/hello.txt%00.png", ArtifactPath.Parse("1/r/artifacts/hello.txt\u0000.png").Text);
    }

    [Fact]
    public void Ordinary_names_can_exist()
    {
        foreach (var raw in new[] { "hello.txt", "odd names/file with space é.txt", "中文/😀.bin", "a:b", "...", "..a", "~" })
            Assert.True(ArtifactPath.Parse(raw).CanExist, raw);
    }

    [Fact]
    public void Join_keeps_MLflow_text_and_both_segment_lists()
    {
        var root = ArtifactPath.Parse("1/abc/artifacts");
        var p = root.Join(ArtifactPath.Parse("bundle/a.txt"));
        Assert.Equal("1/abc/artifacts/bundle/a.txt", p.Text);
        Assert.Equal(["1", "abc", "artifacts", "bundle", "a.txt"], p.Segments);
        Assert.Equal("a.txt", p.Name);
        Assert.Same(root, root.Join(ArtifactPath.Root));
        Assert.Equal("1/abc/artifacts/", root.Join(ArtifactPath.Parse("")).Text + "/");
        Assert.False(root.Join(ArtifactPath.Parse("a\\b")).CanExist);
    }

    [Theory]
    [InlineData("a/b.txt")]
    [InlineData("b.txt")]
    [InlineData("deep/er/x.bin")]
    public void Upload_paths_need_a_clean_folder_and_a_file_name(string raw)
    {
        var p = ArtifactPath.Parse(raw);
        Assert.Same(p, p.RequireFileName());
    }

    [Theory]
    [InlineData("a/./b.txt", "Invalid artifact path: 'a/.'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to 'a'")]
    [InlineData("a//b.txt", "Invalid artifact path: 'a/'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to 'a'")]
    [InlineData("a/", "Invalid artifact path: 'a/'. An upload needs a file name at the end of the path.")]
    [InlineData("a/.", "Invalid artifact path: 'a/.'. An upload needs a file name at the end of the path.")]
    [InlineData(".", "Invalid artifact path: '.'. An upload needs a file name at the end of the path.")]
    [InlineData("", "Invalid artifact path: ''. An upload needs a file name at the end of the path.")]
    public void Upload_paths_MLflow_would_crash_on_are_refused_with_its_message(string raw, string message)
    {
        var e = Assert.Throws<MlflowException>(() => ArtifactPath.Parse(raw).RequireFileName());
        Assert.Equal(400, e.HttpStatus);
        Assert.Equal(message, e.Message);
    }

    /// <summary>
    /// Whatever a client sends, an accepted path is relative, has no "..", "." or empty names, and a name that can
    /// exist has no backslash or control character: random strings over the characters traversal tricks are made of.
    /// </summary>
    [Fact]
    public void No_accepted_path_ever_leaves_the_root()
    {
        var alphabet = new[] { ".", "..", "/", "\\", "%", "2", "e", "E", "f", "F", "5", "c", "25", "%2e", "%2f", "%5c", "%00", "#", ":", "a", "file:", "C:", " ", "?", ";", "\u0000", "\t" };
        var random = new Random(20260326);
        var accepted = 0;
        for (var i = 0; i < 50_000; i++)
        {
            var raw = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            var p = ArtifactPath.TryParse(raw);
            if (p is null) continue;
            accepted++;
            Assert.DoesNotContain(p.Segments, s => s is "" or "." or ".." || s.Contains('/'));
            Assert.False(p.Text.StartsWith('/'), raw);
            if (p.CanExist) Assert.DoesNotContain(p.Segments, s => s.Contains('\\') || s.Any(char.IsControl));
        }
        Assert.True(accepted > 1000);
    }
}
