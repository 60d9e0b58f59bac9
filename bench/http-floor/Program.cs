// The least an HTTP server must do to take a file and give it back: PUT /{name} writes the body to DIR/name,
// GET /{name} sends it. bench/artifacts_bench.py compares the artifact proxy with a local folder against it, since
// `cp` and `cat` (the folder's "own client") move bytes inside the kernel with no HTTP hop at all. The upload loop is
// the proxy's own (whole 1 MiB writes), so the comparison measures everything else the proxy does.
//
//   dotnet bin/Release/net10.0/HttpFloor.dll PORT DIR
var port = args[0];
var dir = args[1];
Directory.CreateDirectory(dir);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
var app = builder.Build();

app.MapPut("/{name}", async (string name, HttpContext ctx) =>
{
    var buffer = new byte[1 << 20];
    await using var file = new FileStream(Path.Join(dir, Path.GetFileName(name)), FileMode.Create, FileAccess.Write, FileShare.None, 0,
        FileOptions.Asynchronous);
    while (true)
    {
        var n = await ctx.Request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false);
        if (n > 0) await file.WriteAsync(buffer.AsMemory(0, n));
        if (n < buffer.Length) break;
    }
    return Results.Ok();
});
app.MapGet("/{name}", (string name) => Results.File(Path.Join(dir, Path.GetFileName(name)), "application/octet-stream"));
app.MapDelete("/{name}", (string name) =>
{
    File.Delete(Path.Join(dir, Path.GetFileName(name)));
    return Results.Ok();
});
app.Run($"http://127.0.0.1:{port}");
