using Xunit.Abstractions;
using Xunit.Sdk;

namespace Sharpflow.Artifacts.Tests.Cloud;

/// <summary>
/// The storage emulators the cloud tests run against, found through the variables scripts/emulators.sh prints
/// (scripts/test.sh starts them and exports these). Without them the tests skip, saying how to start them; under
/// CI=true they run and fail instead, so a CI that lost an emulator cannot pass by testing nothing.
/// </summary>
public static class Emulators
{
    public const string Gcs = "STORAGE_EMULATOR_HOST";
    public const string S3 = "SHARPFLOW_TEST_S3_ENDPOINT";
    public const string Azure = "SHARPFLOW_TEST_AZURE_CONNECTION_STRING";

    public static bool IsCi => Environment.GetEnvironmentVariable("CI") == "true";

    public static string? Get(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v : null;

    /// <summary>The variable's value; a failure naming the fix when it is missing.</summary>
    public static string Require(string variable) =>
        Get(variable) ?? throw new InvalidOperationException($"{variable} is not set: {HowToStart}");

    public const string HowToStart =
        "start the emulators with `eval \"$(bash scripts/emulators.sh start /tmp/sharpflow-emulators)\"` (scripts/test.sh does this), " +
        "or run all tests with `bash scripts/test.sh`.";

    public static string? SkipReason(string variable) =>
        Get(variable) is null && !IsCi ? $"{variable} is not set; {HowToStart}" : null;
}

/// <summary>Marks a test class that needs an emulator: its <see cref="StoreFactAttribute"/> tests skip without it.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresEmulatorAttribute(string variable) : Attribute
{
    public string Variable { get; } = variable;
}

/// <summary>A contract test: skipped when the concrete test class requires an emulator that is not running (outside CI).</summary>
[XunitTestCaseDiscoverer("Sharpflow.Artifacts.Tests.Cloud.StoreFactDiscoverer", "Sharpflow.Artifacts.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>Discovers <see cref="StoreFactAttribute"/> tests; the skip depends on the class, which an attribute alone cannot see.</summary>
public sealed class StoreFactDiscoverer(IMessageSink sink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod method, IAttributeInfo fact)
    {
        var requirement = method.TestClass.Class.GetCustomAttributes(typeof(RequiresEmulatorAttribute)).FirstOrDefault();
        var skip = requirement is null ? null : Emulators.SkipReason((string)requirement.GetConstructorArguments().First());
        yield return skip is null
            ? new XunitTestCase(sink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), method)
            : new SkippedTestCase(sink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), method, skip);
    }
}

/// <summary>A test case reported as skipped with a reason decided at discovery.</summary>
public sealed class SkippedTestCase : XunitTestCase
{
    private string _reason = "";

    [Obsolete("Called by the de-serializer", error: true)]
    public SkippedTestCase()
    {
    }

    public SkippedTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod method, string reason)
        : base(sink, display, displayOptions, method)
    {
        _reason = reason;
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _reason;

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("Reason", _reason);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _reason = data.GetValue<string>("Reason");
        base.Deserialize(data);
    }
}
