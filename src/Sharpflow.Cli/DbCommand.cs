using System.CommandLine;
using Sharpflow.Core.Errors;
using Sharpflow.Store;
using Sharpflow.Store.Schema;
using Sharpflow.Store.Sql;

namespace Sharpflow.Cli;

/// <summary>`sharpflow db upgrade URI`: creates a fresh database or checks one at MLflow 3.11's head.</summary>
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
                var state = await SchemaInitializer.EnsureAsync(database, ct);
                Console.WriteLine(state switch
                {
                    SchemaState.Created => $"Created the schema at revision {SchemaInitializer.HeadRevision}.",
                    SchemaState.Current => $"The database is already at revision {SchemaInitializer.HeadRevision}.",
                    _ => "The database is at a revision newer than this Sharpflow knows; nothing to do.",
                });
                return 0;
            }
            catch (MlflowException e) when (e.Code == ErrorCode.INVALID_STATE && e.Message.Contains("out-of-date"))
            {
                Console.Error.WriteLine("Error: migrating databases from older MLflow revisions is not implemented yet in this Sharpflow version. " + e.Message);
                return 1;
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
