using Google.Apis.Auth.OAuth2;

namespace Sharpflow.Server.Http;

/// <summary>
/// Cloud SQL IAM database authentication: the database user is the service account (its e-mail without
/// ".gserviceaccount.com") and the password is an OAuth 2.0 access token for the sqlservice.login scope, taken from
/// Application Default Credentials (the metadata server on Cloud Run, GOOGLE_APPLICATION_CREDENTIALS elsewhere).
/// Tokens last an hour; the Google client caches and refreshes them, and the database asks for the current one
/// every few minutes (SqlDatabase's password provider), so new connections never present an expired token.
/// </summary>
public static class CloudSqlIamAuth
{
    public const string Scope = "https://www.googleapis.com/auth/sqlservice.login";

    public static Func<CancellationToken, ValueTask<string>> TokenProvider()
    {
        var credential = new Lazy<Task<ITokenAccess>>(async () =>
            (await GoogleCredential.GetApplicationDefaultAsync().ConfigureAwait(false)).CreateScoped(Scope));
        return async ct =>
        {
            var access = await credential.Value.ConfigureAwait(false);
            return await access.GetAccessTokenForRequestAsync(cancellationToken: ct).ConfigureAwait(false);
        };
    }
}
