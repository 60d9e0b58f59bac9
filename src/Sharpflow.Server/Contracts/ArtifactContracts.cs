using System.Text.Json.Serialization;

namespace Sharpflow.Server.Contracts;

/// <summary>FileInfo: file_size is unset for folders.</summary>
public sealed record FileInfoJson(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("is_dir")] bool IsDir,
    [property: JsonPropertyName("file_size")] long? FileSize);

/// <summary>ListArtifacts.Response of both list routes (the proxy's has no root_uri).</summary>
public sealed record ListArtifactsResponse(
    [property: JsonPropertyName("root_uri")] string? RootUri,
    [property: JsonPropertyName("files")] List<FileInfoJson>? Files,
    [property: JsonPropertyName("next_page_token")] string? NextPageToken = null);
