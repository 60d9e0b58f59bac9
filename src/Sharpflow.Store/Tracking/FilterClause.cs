namespace Sharpflow.Store.Tracking;

/// <summary>
/// One parsed comparison as the SQL builders consume it: entity type (attribute, metric, parameter, tag,
/// dataset), key, upper-case comparator and value (string, double, or list of strings for IN).
/// </summary>
public sealed record FilterClause(string Type, string Key, string Comparator, object? Value);

public sealed record OrderClause(string Type, string Key, bool Ascending);
