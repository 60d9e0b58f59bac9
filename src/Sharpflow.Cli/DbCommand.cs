using System.CommandLine;
using Sharpflow.Core.Errors;
using Sharpflow.Store;
using Sharpflow.Store.Schema;
using Sharpflow.Store.Schema.Migrations;
using Sharpflow.Store.Sql;

namespace Sharpflow.Cli;

/// <summary>
/// `sharpflow db upgrade URI`: creates a fresh database, or migrates one made by MLflow 2.0 or later (any alembic
/// revision since 97727af70f4d) to MLflow 3.11's head, printing each step.
/// </summary>
public static class DbCommand
{
    public static Command Create()
    {
        var db = new Command("db", "Manage the tracking database.");
        var url = new Argument<string>("url") { Description = "Database URI." };
        var upgrade = new Command("upgrade", "Upgrade the database schema to MLflow 3.11's head revision.") { url };
        upgrade.SetAction(async (parse, ct) =>
        {
            try
            {
                await using var database = new SqlDatabase(StoreUri.Parse(parse.GetValue(url)!));
                var result = await SchemaMigrator.UpgradeAsync(database, log: Console.WriteLine, ct: ct);
                Console.WriteLine(result.Outcome switch
                {
                    UpgradeOutcome.Created => $"Created the schema at revision {SchemaInitializer.HeadRevision}.",
                    UpgradeOutcome.AlreadyCurrent => $"The database is already at revision {SchemaInitializer.HeadRevision}.",
                    UpgradeOutcome.Upgraded => $"Upgraded the database from revision {result.From} to {result.To} ({result.Steps} steps).",
                    _ => "The database is at a revision newer than this Sharpflow knows; nothing to do.",
                });
                return 0;
            }
            catch (MlflowException e)
            {
                Console.Error.WriteLine($"Error: {e.Message}");
                return 1;
            }
        });
        db.Subcommands.Add(upgrade);
        return db;
    }
}
