using Sharpflow.Core.Search;
using Sharpflow.Core.Tests.Support;

namespace Sharpflow.Core.Tests;

/// <summary>
/// Every filter / order_by / page-token case of the recorded MLflow 3.11 replay corpus
/// (shared/fixtures/mlflow-3.11/replay/*.jsonl), with the recorded answer hard-coded.
/// </summary>
public class ReplayCorpusTests
{
    // ---- errors the recorded server returned ----

    [Theory]
    [InlineData("metrics.acc >", "Invalid clause(s) in filter string: 'metrics.acc', '>'")] // errors #85
    [InlineData("metrics.acc > 'abc'", "Expected numeric value type for metric. Found 'abc'")] // errors #86
    [InlineData("foo.bar = 1", "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']")] // errors #87
    [InlineData("params.x > '1'", "Invalid comparator '>' not one of '{'!=', 'LIKE', 'ILIKE', '=', 'IS NOT NULL', 'IS NULL'}'")] // errors #88
    [InlineData("metrics.a = 1 OR metrics.a = 2", "Invalid clause(s) in filter string: 'OR'")] // errors #89
    [InlineData("tags.a = 'x", "Invalid clause(s) in filter string: 'tags.a', '=', ''', 'x'")] // errors #90
    [InlineData("params.model = cnn", "Parameter value is either not quoted or unidentified quote types used for string value cnn. Use either single or double quotes.")] // errors #91
    [InlineData("params.`batch size` IS NULL", "Invalid clause(s) in filter string: 'params.`batch size`', 'IS', 'NULL'")] // tracking #233
    [InlineData("tags.team IN ('vision', 'nlp')", "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('vision', 'nlp')")] // tracking #236
    [InlineData("tags.team NOT IN ('vision')", "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('vision')")] // tracking #237
    [InlineData("tags.team IS NULL", "Invalid clause(s) in filter string: 'tags.team', 'IS', 'NULL'")] // tracking #238
    [InlineData("tags.team IS NOT NULL", "Invalid clause(s) in filter string: 'tags.team', 'IS', 'NOT NULL'")] // tracking #239
    public void RunFilterErrors(string filter, string message) =>
        MessageAssert.Throws(message, () => SearchFilter.ParseRuns(filter));

    [Theory]
    [InlineData("metrics.acc UP", "Invalid ordering key in order_by clause 'metrics.acc UP'.")] // errors #92
    [InlineData("bogus.key ASC", "Invalid entity type 'bogus'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']")] // errors #93
    public void RunOrderByErrors(string clause, string message) =>
        MessageAssert.Throws(message, () => SearchFilter.ParseRunOrderBy(clause));

    [Fact] // errors #97
    public void RunPageTokenError() =>
        MessageAssert.Throws("Invalid page token, could not base64-decode", () => SearchFilter.ParseRunQuery(null, null, "notatoken"));

    [Theory]
    [InlineData("name =", "Invalid clause(s) in filter string: name, =")] // errors #38
    [InlineData("bogus = 'x'", "Invalid attribute key 'bogus' specified. Valid keys are '{'name', 'creation_time', 'last_update_time'}'")] // errors #39
    [InlineData("attributes.name = 'x'", "Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags')")] // errors #40
    [InlineData("metrics.acc > 1", "Invalid entity type 'metrics'. Valid entity types are ('attribute', 'tag', 'tags')")] // errors #41
    public void ExperimentFilterErrors(string filter, string message) =>
        MessageAssert.Throws(message, () => SearchFilter.ParseExperiments(filter));

    [Theory]
    [InlineData("name SIDEWAYS", "Invalid ordering key in order_by clause 'name SIDEWAYS'.")] // errors #42
    [InlineData("bogus ASC", "Invalid attribute key 'bogus' specified. Valid keys are '{'name', 'last_update_time', 'creation_time', 'experiment_id'}'")] // errors #43
    public void ExperimentOrderByErrors(string clause, string message) =>
        MessageAssert.Throws(message, () => SearchFilter.ParseExperimentOrderBy(clause));

    [Fact] // registry #140
    public void RegisteredModelComparatorError() =>
        MessageAssert.Throws("Invalid comparator for attribute: ~", () => SearchFilter.ParseRegisteredModels("name ~ 'x'"));

    [Fact] // registry #141
    public void RegisteredModelOrderByError() =>
        MessageAssert.Throws("Invalid order by key 'bogus' specified. Valid keys are '{'timestamp', 'name'}'",
            () => SearchFilter.ParseRegisteredModelOrderBy("bogus DESC"));

    [Fact] // registry #143
    public void ModelVersionComparatorError() =>
        MessageAssert.Throws("Invalid comparator for attribute version_number: >>", () => SearchFilter.ParseModelVersions("version_number >> 1"));

    [Fact] // tracing #82
    public void TraceFilterError() =>
        MessageAssert.Throws("Invalid clause(s) in filter string: 'trace.status', '='", () => SearchFilter.ParseTraces("trace.status = "));

    [Fact] // tracing #83
    public void TraceOrderByError() =>
        MessageAssert.Throws("Invalid attribute key 'nonsense' specified. Valid keys are '{'experiment_id', 'execution_time_ms', 'end_time_ms', "
            + "'execution_time', 'status', 'request_id', 'timestamp_ms', 'name', 'end_time', 'run_id', 'timestamp'}'",
            () => SearchFilter.ParseTraceOrderBy("nonsense DESC"));

    // ---- filters and order_by clauses the recorded server accepted ----

    [Theory]
    [InlineData("")]
    [InlineData("metrics.acc > 0.7")]
    [InlineData("metrics.acc >= 0.7 and params.model = 'cnn'")]
    [InlineData("metrics.loss < 1.0")]
    [InlineData("metrics.`val loss` <= 0.15")]
    [InlineData("metrics.`m.x` = 8")]
    [InlineData("metrics.loss != 2.0")]
    [InlineData("params.model LIKE 'cnn%'")]
    [InlineData("params.model ILIKE 'cnn%'")]
    [InlineData("params.model LIKE 'cnn_s%'")]
    [InlineData("params.`batch size` = '48'")]
    [InlineData("params.`opt.name` = 'adam'")]
    [InlineData("params.lr != '0.01'")]
    [InlineData("tags.team = 'vision'")]
    [InlineData("tags.team ILIKE 'vision'")]
    [InlineData("tags.`note.v1` = 'n10'")]
    [InlineData("tags.`my tag` = 'x y'")]
    [InlineData("attributes.status = 'FAILED'")]
    [InlineData("attributes.status != 'RUNNING'")]
    [InlineData("attributes.run_name LIKE 'alpha%'")]
    [InlineData("attributes.run_name ILIKE 'alpha%'")]
    [InlineData("run_name = 'with space'")]
    [InlineData("attributes.start_time >= 1700000110000")]
    [InlineData("attributes.end_time < 1700000105000")]
    [InlineData("attributes.run_id IN ('0123456789abcdef0123456789abcdef', 'fedcba9876543210fedcba9876543210')")]
    [InlineData("attributes.user_id = 'unknown'")]
    [InlineData("datasets.name = 'corpus-train'")]
    [InlineData("datasets.digest IN ('e5f6a7b8')")]
    [InlineData("datasets.context = 'eval'")]
    [InlineData("metrics.acc > 0.6 AND tags.env = 'prod' AND params.lr = '0.1'")]
    [InlineData("params.lr = '0.001'")]
    [InlineData("params.`opt.name` = 'sgd'")]
    [InlineData("tags.env = 'prod'")]
    public void RunFiltersAccepted(string filter) => SearchFilter.ParseRuns(filter);

    [Theory]
    [InlineData("metrics.acc DESC")]
    [InlineData("metrics.acc ASC")]
    [InlineData("params.model ASC")]
    [InlineData("metrics.loss DESC")]
    [InlineData("tags.team DESC")]
    [InlineData("attributes.start_time ASC")]
    [InlineData("attributes.start_time DESC")]
    [InlineData("run_name ASC")]
    [InlineData("metrics.`val loss` ASC")]
    [InlineData("run_name DESC")]
    [InlineData("metrics.loss ASC")]
    public void RunOrderByAccepted(string clause) => SearchFilter.ParseRunOrderBy(clause);

    [Theory]
    [InlineData("name = 'corpus-exp-A'")]
    [InlineData("name LIKE 'corpus-exp-%'")]
    [InlineData("name ILIKE 'CORPUS%'")]
    [InlineData("name LIKE 'corpus-exp-_'")]
    [InlineData("tags.team = 'ml'")]
    [InlineData("tags.team != 'ml'")]
    [InlineData("tags.priority LIKE '%'")]
    [InlineData("creation_time > 0")]
    [InlineData("name = 'x'")]
    [InlineData("name = 'err-exp'")]
    public void ExperimentFiltersAccepted(string filter) => SearchFilter.ParseExperiments(filter);

    [Theory]
    [InlineData("name ASC")]
    [InlineData("name DESC")]
    [InlineData("experiment_id DESC")]
    [InlineData("last_update_time ASC")]
    public void ExperimentOrderByAccepted(string clause) => SearchFilter.ParseExperimentOrderBy(clause);

    [Theory]
    [InlineData("tag.`mlflow.prompt.is_prompt` != 'true'")]
    [InlineData("name = 'corpus-model' AND tag.`mlflow.prompt.is_prompt` != 'true'")]
    [InlineData("name LIKE 'corpus-model%' AND tag.`mlflow.prompt.is_prompt` != 'true'")]
    [InlineData("name ILIKE 'CORPUS-MODEL-_' AND tag.`mlflow.prompt.is_prompt` != 'true'")]
    [InlineData("tags.owner = 'alice' AND tag.`mlflow.prompt.is_prompt` != 'true'")]
    [InlineData("tags.`mlflow.prompt.is_prompt` = 'true'")]
    [InlineData("tags.`mlflow.prompt.is_prompt` = 'true' AND name LIKE 'corpus%'")]
    [InlineData("tags.`mlflow.prompt.is_prompt` = 'true' AND tags.lang = 'en'")]
    public void RegisteredModelFiltersAccepted(string filter) => SearchFilter.ParseRegisteredModels(filter);

    [Theory]
    [InlineData("name DESC")]
    [InlineData("last_updated_timestamp DESC")]
    [InlineData("name ASC")]
    public void RegisteredModelOrderByAccepted(string clause) => SearchFilter.ParseRegisteredModelOrderBy(clause);

    [Theory]
    [InlineData("name = 'corpus-model'")]
    [InlineData("run_id = '0123456789abcdef0123456789abcdef'")]
    [InlineData("tags.validated = 'true'")]
    [InlineData("name LIKE 'corpus%'")]
    [InlineData("source_path = 'runs:/0123456789abcdef0123456789abcdef/model'")]
    public void ModelVersionFiltersAccepted(string filter) => SearchFilter.ParseModelVersions(filter);

    [Fact]
    public void ModelVersionOrderByAccepted() => SearchFilter.ParseModelVersionOrderBy("version_number DESC");

    [Theory]
    [InlineData("trace.status = 'OK'")]
    [InlineData("status = 'ERROR'")]
    [InlineData("trace.timestamp_ms > 1600000000000")]
    [InlineData("trace.timestamp_ms < 1700000001000")]
    [InlineData("trace.execution_time_ms >= 0")]
    [InlineData("tags.flow = 'alpha'")]
    [InlineData("metadata.`mlflow.user` = 'corpus-user'")]
    [InlineData("trace.name = 'outer'")]
    [InlineData("trace.run_id = '0123456789abcdef0123456789abcdef'")]
    [InlineData("trace.name LIKE 'out%'")]
    public void TraceFiltersAccepted(string filter) => SearchFilter.ParseTraces(filter);

    [Theory]
    [InlineData("timestamp_ms ASC")]
    [InlineData("execution_time_ms DESC")]
    [InlineData("timestamp_ms DESC")]
    public void TraceOrderByAccepted(string clause) => SearchFilter.ParseTraceOrderBy(clause);

    [Theory]
    [InlineData("name = 'bundle'")]
    [InlineData("name = 'config'")]
    [InlineData("name = 'hello.txt'")]
    [InlineData("name = 'does-not-exist'")]
    [InlineData("name = 'texts'")]
    [InlineData("name = 'corpus-lm'")]
    [InlineData("status = 'READY'")]
    [InlineData("params.alpha = '0.1'")]
    public void LoggedModelFiltersAccepted(string filter) => SearchFilter.ParseLoggedModels(filter);

    [Fact] // registry #125
    public void LoggedModelOrderByAccepted() =>
        Assert.Equal(new OrderByClause("attribute", "name", true), SearchFilter.ParseLoggedModelOrderBy(new LoggedModelOrderBy("name", true)).Clause);
}
