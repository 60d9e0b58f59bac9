using System.Buffers;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpflow.Core.Tracing;
using Sharpflow.Server.Features.Traces;
using Sharpflow.Store.Tracing;

namespace Sharpflow.Server.Features.Otlp;

/// <summary>
/// OTLP/HTTP trace ingestion (POST /v1/traces), as MLflow's FastAPI route serves it: header
/// <c>x-mlflow-experiment-id</c> required (FastAPI's 422 when missing), <c>application/x-protobuf</c> or
/// <c>application/json</c> (OTLP/JSON), gzip/deflate bodies; errors as <c>{"detail": ...}</c> with MLflow's statuses;
/// all spans of the request are stored in one transaction or none are; the answer is an empty
/// ExportTraceServiceResponse. Also maps the span-reading routes (<see cref="TraceSpansEndpoints"/>).
/// </summary>
public static class OtlpEndpoints
{
    private const string ExperimentHeader = "x-mlflow-experiment-id";

    public static void MapOtlp(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/traces", Export);
        app.MapTraceSpans();
    }

    private static IResult Detail(int status, string detail) =>
        Results.Json(new Dictionary<string, string> { ["detail"] = detail }, OtlpJsonContext.Default.DictionaryStringString, statusCode: status);

    private static async Task<IResult> Export(HttpContext http, TraceStore store)
    {
        var req = http.Request;
        if (!req.Headers.TryGetValue(ExperimentHeader, out var experimentHeader))
        {
            // FastAPI's validation error for a missing required header.
            return Results.Text("{\"detail\":[{\"type\":\"missing\",\"loc\":[\"header\",\"x-mlflow-experiment-id\"],\"msg\":\"Field required\",\"input\":null}]}",
                "application/json", statusCode: 422);
        }
        var experimentId = experimentHeader.ToString();
        var contentType = req.Headers.ContentType.Count == 0 ? null : req.Headers.ContentType.ToString();
        var mediaType = contentType?.Split(';')[0].Trim();
        if (mediaType is not ("application/x-protobuf" or "application/json"))
            return Detail(400, $"Invalid Content-Type: {contentType ?? "None"}. Expected: application/x-protobuf or application/json");

        var (buffer, length) = await ReadBodyAsync(req, http.RequestAborted);
        try
        {
            ReadOnlyMemory<byte> body = buffer.AsMemory(0, length);
            var encoding = req.Headers.ContentEncoding.ToString();
            if (encoding.Length > 0)
            {
                var decoded = Decompress(body, encoding.ToLowerInvariant(), out var failure);
                if (failure is not null) return Detail(400, failure);
                body = decoded;
            }

            OtlpExportRequest parsed;
            try
            {
                parsed = mediaType == "application/json" ? OtlpJsonReader.Read(body.Span) : OtlpProtobufReader.Read(body.Span);
            }
            catch (OtlpFormatException)
            {
                return Detail(400, "Invalid OpenTelemetry format");
            }
            if (parsed.ResourceSpansCount == 0) return Detail(400, "Invalid OpenTelemetry format - no spans found");

            // MLflow converts every span before storing any: a span without ids fails the request first (422),
            // then anything its store cannot write (422 "Failed to log").
            var spans = new List<StoredSpan>(parsed.Spans.Count);
            SpanStoreException? storeFailure = null;
            foreach (var span in parsed.Spans)
            {
                try
                {
                    spans.Add(SpanConverter.Convert(span));
                }
                catch (ArgumentException)
                {
                    return Detail(422, "Cannot convert OpenTelemetry span to MLflow span");
                }
                catch (SpanStoreException e)
                {
                    storeFailure ??= e;
                }
            }
            if (storeFailure is not null) return Detail(422, "Failed to log OpenTelemetry spans");
            if (spans.Count > 0)
            {
                try
                {
                    await store.LogSpansAsync(experimentId, spans, http.RequestAborted);
                }
                catch (SpanStoreException)
                {
                    return Detail(422, "Failed to log OpenTelemetry spans");
                }
            }
            return Results.Bytes(OtlpResponse.Success, "application/x-protobuf");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The whole body into a pooled buffer (sized from Content-Length when sent), returned by the caller.</summary>
    private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpRequest req, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(req.ContentLength ?? 64 * 1024, 1024, 64 * 1024 * 1024) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    Buffer.BlockCopy(buffer, 0, bigger, 0, length);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var n = await req.Body.ReadAsync(buffer.AsMemory(length), ct);
                if (n == 0) return (buffer, length);
                length += n;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>gzip, or deflate (zlib-wrapped, else raw) as MLflow's decompress_otlp_body; anything else is refused.</summary>
    private static byte[] Decompress(ReadOnlyMemory<byte> body, string encoding, out string? failure)
    {
        failure = null;
        switch (encoding)
        {
            case "gzip":
                if (TryInflate(body, s => new GZipStream(s, CompressionMode.Decompress), out var gz)) return gz;
                failure = "Failed to decompress gzip payload";
                return [];
            case "deflate":
                if (TryInflate(body, s => new ZLibStream(s, CompressionMode.Decompress), out var z)) return z;
                if (TryInflate(body, s => new DeflateStream(s, CompressionMode.Decompress), out var raw)) return raw;
                failure = "Failed to decompress deflate payload";
                return [];
            default:
                failure = $"Unsupported Content-Encoding: {encoding}";
                return [];
        }
    }

    private static bool TryInflate(ReadOnlyMemory<byte> body, Func<Stream, Stream> open, out byte[] result)
    {
        result = [];
        try
        {
            using var input = new MemoryStream(body.ToArray(), writable: false);
            using var z = open(input);
            using var output = new MemoryStream();
            z.CopyTo(output);
            // An empty or truncated stream is an error for Python's decompressors, not an empty body.
            if (input.Length == 0) return false;
            result = output.ToArray();
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal partial class OtlpJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
