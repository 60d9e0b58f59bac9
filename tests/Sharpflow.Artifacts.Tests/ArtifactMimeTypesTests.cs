using System.Text.Json;

namespace Sharpflow.Artifacts.Tests;

public class ArtifactMimeTypesTests
{
    public static IEnumerable<object[]> MlflowCases() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "mlflow_path_oracle.json"))).RootElement
            .GetProperty("mime").EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()!, c.GetProperty("type").GetString()! });

    [Theory]
    [MemberData(nameof(MlflowCases))]
    public void Content_type_is_MLflows(string fileName, string expected) => Assert.Equal(expected, ArtifactMimeTypes.Guess(fileName));
}
