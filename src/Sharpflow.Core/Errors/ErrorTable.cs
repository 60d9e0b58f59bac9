namespace Sharpflow.Core.Errors;

/// <summary>
/// The one place that maps an MLflow error code to its HTTP status and to the
/// <c>error_class</c>/<c>sqlstate</c> pair MLflow 3.11 adds to every error body.
/// </summary>
public static class ErrorTable
{
    public static int HttpStatus(ErrorCode code) => code switch
    {
        ErrorCode.INTERNAL_ERROR or ErrorCode.INVALID_STATE or ErrorCode.DATA_LOSS => 500,
        ErrorCode.NOT_IMPLEMENTED => 501,
        ErrorCode.TEMPORARILY_UNAVAILABLE => 503,
        ErrorCode.DEADLINE_EXCEEDED => 504,
        ErrorCode.REQUEST_LIMIT_EXCEEDED or ErrorCode.RESOURCE_EXHAUSTED => 429,
        ErrorCode.CANCELLED => 499,
        ErrorCode.ABORTED or ErrorCode.RESOURCE_CONFLICT or ErrorCode.ALREADY_EXISTS => 409,
        ErrorCode.NOT_FOUND or ErrorCode.ENDPOINT_NOT_FOUND or ErrorCode.RESOURCE_DOES_NOT_EXIST => 404,
        ErrorCode.PERMISSION_DENIED => 403,
        ErrorCode.CUSTOMER_UNAUTHORIZED or ErrorCode.UNAUTHENTICATED => 401,
        ErrorCode.BAD_REQUEST or ErrorCode.RESOURCE_ALREADY_EXISTS or ErrorCode.INVALID_PARAMETER_VALUE => 400,
        _ => 500,
    };

    public static string? ErrorClass(ErrorCode code) => code switch
    {
        ErrorCode.BAD_REQUEST or ErrorCode.INVALID_PARAMETER_VALUE => "INVALID_PARAMETER_VALUE",
        ErrorCode.CUSTOMER_UNAUTHORIZED or ErrorCode.PERMISSION_DENIED => "PERMISSION_DENIED",
        ErrorCode.ENDPOINT_NOT_FOUND or ErrorCode.NOT_FOUND or ErrorCode.RESOURCE_DOES_NOT_EXIST => "RESOURCE_NOT_FOUND",
        ErrorCode.FEATURE_DISABLED => "FEATURE_DISABLED",
        ErrorCode.INTERNAL_ERROR or ErrorCode.INVALID_STATE or ErrorCode.TEMPORARILY_UNAVAILABLE => "CLIENT_INTERNAL_ERROR",
        ErrorCode.RESOURCE_ALREADY_EXISTS => "RESOURCE_ALREADY_EXISTS",
        _ => null,
    };

    public static string? SqlState(ErrorCode code) => code switch
    {
        ErrorCode.INTERNAL_ERROR or ErrorCode.INVALID_STATE or ErrorCode.TEMPORARILY_UNAVAILABLE => "XXM00",
        ErrorCode.BAD_REQUEST or ErrorCode.CUSTOMER_UNAUTHORIZED or ErrorCode.ENDPOINT_NOT_FOUND
            or ErrorCode.FEATURE_DISABLED or ErrorCode.INVALID_PARAMETER_VALUE or ErrorCode.NOT_FOUND
            or ErrorCode.PERMISSION_DENIED or ErrorCode.RESOURCE_ALREADY_EXISTS
            or ErrorCode.RESOURCE_DOES_NOT_EXIST => "KAM00",
        _ => null,
    };
}
