using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Sharpflow.Server.Contracts;

namespace Sharpflow.Server.Http;

/// <summary>JSON results through the source-generated context.</summary>
public static class Reply
{
    public static IResult Json<T>(T value, JsonTypeInfo<T> type) => TypedResults.Json(value, type, contentType: "application/json");

    public static IResult Empty() => TypedResults.Json(new EmptyResponse(), SharpflowJsonContext.Default.EmptyResponse, contentType: "application/json");
}
