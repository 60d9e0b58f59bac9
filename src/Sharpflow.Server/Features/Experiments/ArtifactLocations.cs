using Sharpflow.Core.Errors;

namespace Sharpflow.Server.Features.Experiments;

/// <summary>MLflow's checks on a user-given experiment artifact location.</summary>
public static class ArtifactLocations
{
    public static void Validate(string uri, string param)
    {
        if (uri.StartsWith("runs:", StringComparison.OrdinalIgnoreCase))
            throw MlflowException.InvalidParameter($"Invalid value '{uri}' for parameter '{param}': runs:/ URIs are not supported as an artifact root.");
        if (uri.Contains('\0'))
            throw MlflowException.InvalidParameter($"Invalid value for parameter '{param}': NUL bytes are not allowed.");
    }
}
