using System.Net;

namespace Sharpflow.Http.Tests.Security;

/// <summary>MLflow's default protections: DNS-rebinding Host check, cross-origin write blocking, security headers.</summary>
public class SecurityMiddlewareTests
{
    private static HttpRequestMessage Get(string path, string? host = null)
    {
        var req = new HttpRequestMessage(HttpMethod.Get, path);
        if (host is not null) req.Headers.Host = host;
        return req;
    }

    [Fact]
    public async Task Foreign_host_header_is_rejected_but_health_is_not()
    {
        await using var s = await TestServer.StartAsync(Backend.Sqlite);
        var res = await s.Client.SendAsync(Get("/api/2.0/mlflow/experiments/get?experiment_id=0", "evil.example.com"));
        Assert.Equal(HttpStatusCode.Forbidden, res.StatusCode);
        Assert.Equal("Invalid Host header - possible DNS rebinding attack detected", await res.Content.ReadAsStringAsync());
        res = await s.Client.SendAsync(Get("/health", "evil.example.com"));
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        res = await s.Client.SendAsync(Get("/api/2.0/mlflow/experiments/get?experiment_id=0", "192.168.1.20:5000"));
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
    }

    [Fact]
    public async Task Cross_origin_writes_are_blocked_and_localhost_origins_allowed()
    {
        await using var s = await TestServer.StartAsync(Backend.Sqlite);
        var req = new HttpRequestMessage(HttpMethod.Post, "/api/2.0/mlflow/experiments/create")
        {
            Content = new StringContent("{\"name\":\"x\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        req.Headers.Add("Origin", "http://evil.example.com");
        var res = await s.Client.SendAsync(req);
        Assert.Equal(HttpStatusCode.Forbidden, res.StatusCode);
        Assert.Equal("Cross-origin request blocked", await res.Content.ReadAsStringAsync());
        var (_, body) = await s.GetAsync("/api/2.0/mlflow/experiments/get-by-name?experiment_name=x");
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", body!["error_code"]!.GetValue<string>());

        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/2.0/mlflow/experiments/create");
        preflight.Headers.Add("Origin", "http://localhost:3000");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        res = await s.Client.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, res.StatusCode);
        Assert.Equal("http://localhost:3000", res.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Responses_carry_nosniff_and_frame_options()
    {
        await using var s = await TestServer.StartAsync(Backend.Sqlite);
        var res = await s.Client.GetAsync("/api/2.0/mlflow/experiments/get?experiment_id=0");
        Assert.Equal("nosniff", res.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("SAMEORIGIN", res.Headers.GetValues("X-Frame-Options").Single());
    }
}
