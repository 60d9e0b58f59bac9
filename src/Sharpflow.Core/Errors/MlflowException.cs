namespace Sharpflow.Core.Errors;

/// <summary>The single error type of Sharpflow: an MLflow error code plus MLflow's message.</summary>
public sealed class MlflowException : Exception
{
    public MlflowException(ErrorCode code, string message, Exception? inner = null) : base(message, inner)
    {
        Code = code;
    }

    public ErrorCode Code { get; }

    public int HttpStatus => ErrorTable.HttpStatus(Code);

    public static MlflowException InvalidParameter(string message) => new(ErrorCode.INVALID_PARAMETER_VALUE, message);

    public static MlflowException NotFound(string message) => new(ErrorCode.RESOURCE_DOES_NOT_EXIST, message);

    public static MlflowException AlreadyExists(string message) => new(ErrorCode.RESOURCE_ALREADY_EXISTS, message);

    public static MlflowException MissingParameter(string name) =>
        InvalidParameter($"Missing value for required parameter '{name}'. See the API docs for more information about request parameters.");
}
