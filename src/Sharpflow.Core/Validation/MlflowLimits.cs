namespace Sharpflow.Core.Validation;

/// <summary>MLflow 3.11's limits (mlflow/utils/validation.py), one constant each.</summary>
public static class MlflowLimits
{
    public const int MaxParamsTagsPerBatch = 100;
    public const int MaxMetricsPerBatch = 1000;
    public const int MaxDatasetsPerBatch = 1000;
    public const int MaxEntitiesPerBatch = 1000;
    public const int MaxBatchLogRequestSize = 1_000_000;
    public const int MaxParamValueLength = 6000;
    public const int MaxTagValueLength = 8000;
    public const int MaxExperimentNameLength = 500;
    public const int MaxExperimentTagKeyLength = 250;
    public const int MaxExperimentTagValueLength = 5000;
    public const int MaxEntityKeyLength = 250;
    public const int MaxResultsListedPerPage = 50000;
    public const int MaxDatasetNameSize = 500;
    public const int MaxDatasetDigestSize = 36;
    public const int MaxDatasetSchemaSize = 1048575;
    public const int MaxDatasetSourceSize = 65535;
    public const int MaxDatasetProfileSize = 16777215;
    public const int MaxInputTagKeySize = 255;
    public const int MaxInputTagValueSize = 500;
    public const int MaxMetricHistoryPage = 25000;
    public const int MaxRunsGetMetricHistoryBulk = 100;
    public const int MaxResultsPerRunBulkInterval = 2500;
    public const int SearchRunsDefaultMaxResults = 1000;
    public const int SearchMaxResultsThreshold = 50000;
}
