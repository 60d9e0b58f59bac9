using System.Collections.Concurrent;

namespace Sharpflow.Http.Tests.Registry;

/// <summary>
/// Parallel clients on the registry: versions created at the same time for one model get distinct, gapless numbers
/// (MLflow retries on a primary-key clash; Sharpflow queues creates per model), and alias moves racing each other leave
/// exactly one target.
/// </summary>
public class RegistryConcurrencyTests
{
    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Parallel_version_creates_never_share_a_number(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        const int models = 2, perModel = 24;
        var names = Enumerable.Range(0, models).Select(i => $"race-{i}").ToList();
        foreach (var n in names) await s.CreateModelAsync(n);
        var created = new ConcurrentBag<(string Name, int Version)>();
        var failures = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, models * perModel).Select(i => Task.Run(async () =>
        {
            var name = names[i % models];
            var (status, body) = await s.SendAsync(HttpMethod.Post, "/model-versions/create", new { name, source = $"s3://bucket/{name}/{i}" });
            if (status != 200) failures.Add($"{status}: {body?.ToJsonString()}");
            else created.Add((name, int.Parse(body!["model_version"]!.Str("version"))));
        })));
        Assert.Empty(failures);
        foreach (var name in names)
        {
            var versions = created.Where(c => c.Name == name).Select(c => c.Version).Order().ToList();
            Assert.Equal(Enumerable.Range(1, perModel), versions);
            var listed = await s.GetOkAsync("/model-versions/search", ("filter", $"name = '{name}'"), ("order_by", "version_number ASC"));
            Assert.Equal(Enumerable.Range(1, perModel).Select(v => v.ToString()), RegistryApi.Names(listed["model_versions"], "version"));
            Assert.Equal(perModel.ToString(), (await s.GetOkAsync("/registered-models/alias", ("name", name), ("alias", "latest")))["model_version"]!.Str("version"));
        }
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Racing_alias_moves_leave_one_target(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        await s.CreateModelAsync("moves");
        for (var i = 0; i < 5; i++) await s.CreateVersionAsync("moves", $"s3://b/{i}");
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            s.OkAsync(HttpMethod.Post, "/registered-models/alias", new { name = "moves", alias = "champion", version = (i % 5 + 1).ToString() }))));
        var aliases = (await s.GetModelAsync("moves"))["aliases"]!.AsArray();
        var only = Assert.Single(aliases);
        var target = only!.Str("version");
        Assert.Equal(["champion"], (await s.GetVersionAsync("moves", target))["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));
    }
}
