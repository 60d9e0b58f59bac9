using Sharpflow.Cli;

return await CliApp.RunAsync(args);
