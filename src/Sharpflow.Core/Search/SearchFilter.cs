namespace Sharpflow.Core.Search;

/// <summary>
/// Entry points for MLflow's search grammar. Every user error is an
/// <see cref="Errors.MlflowException"/> carrying MLflow's message (INVALID_PARAMETER_VALUE;
/// also where MLflow itself crashes on the input with a 500, which we do not copy).
/// <para>
/// Use the <c>Parse*Query</c> methods when handling a request: MLflow validates filter,
/// order_by and page token in an entity-specific order, and which error a client sees when
/// several parts are wrong depends on it. They also append MLflow's default order and
/// tie-breakers, so <see cref="SearchQuery.OrderBy"/> is the complete ordering to apply.
/// </para>
/// </summary>
public static class SearchFilter
{
    public static IReadOnlyList<Comparison> ParseRuns(string? filter) => RunSearchGrammar.ParseFilter(filter);

    public static OrderByClause ParseRunOrderBy(string clause) => RunSearchGrammar.ParseOrderBy(clause);

    public static SearchQuery ParseRunQuery(string? filter, IReadOnlyList<string>? orderBy, string? pageToken) =>
        RunSearchGrammar.ParseQuery(filter, orderBy, pageToken);

    public static IReadOnlyList<Comparison> ParseExperiments(string? filter) => ExperimentSearchGrammar.ParseFilter(filter);

    public static OrderByClause ParseExperimentOrderBy(string clause) => ExperimentSearchGrammar.ParseOrderBy(clause);

    public static SearchQuery ParseExperimentQuery(string? filter, IReadOnlyList<string>? orderBy, string? pageToken) =>
        ExperimentSearchGrammar.ParseQuery(filter, orderBy, pageToken);

    public static IReadOnlyList<Comparison> ParseRegisteredModels(string? filter) => RegisteredModelSearchGrammar.ParseFilter(filter);

    public static OrderByClause ParseRegisteredModelOrderBy(string clause) => RegisteredModelSearchGrammar.ParseOrderBy(clause);

    public static SearchQuery ParseRegisteredModelQuery(string? filter, IReadOnlyList<string>? orderBy, string? pageToken) =>
        RegisteredModelSearchGrammar.ParseQuery(filter, orderBy, pageToken);

    public static IReadOnlyList<Comparison> ParseModelVersions(string? filter) => ModelVersionSearchGrammar.ParseFilter(filter);

    public static OrderByClause ParseModelVersionOrderBy(string clause) => ModelVersionSearchGrammar.ParseOrderBy(clause);

    public static SearchQuery ParseModelVersionQuery(string? filter, IReadOnlyList<string>? orderBy, string? pageToken) =>
        ModelVersionSearchGrammar.ParseQuery(filter, orderBy, pageToken);

    public static IReadOnlyList<Comparison> ParseTraces(string? filter) => TraceSearchGrammar.ParseFilter(filter);

    public static OrderByClause ParseTraceOrderBy(string clause) => TraceSearchGrammar.ParseOrderBy(clause);

    public static SearchQuery ParseTraceQuery(string? filter, IReadOnlyList<string>? orderBy, string? pageToken) =>
        TraceSearchGrammar.ParseQuery(filter, orderBy, pageToken);

    public static IReadOnlyList<Comparison> ParseLoggedModels(string? filter) => LoggedModelSearchGrammar.ParseFilter(filter);

    public static LoggedModelSort ParseLoggedModelOrderBy(LoggedModelOrderBy orderBy) => LoggedModelSearchGrammar.ParseOrderBy(orderBy);

    public static LoggedModelQuery ParseLoggedModelQuery(IReadOnlyList<string> experimentIds, string? filter,
        IReadOnlyList<LoggedModelOrderBy>? orderBy, string? pageToken) =>
        LoggedModelSearchGrammar.ParseQuery(experimentIds, filter, orderBy, pageToken);
}
