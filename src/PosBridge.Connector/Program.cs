using PosBridge.Connector.Cli;

return await CommandLine.RunAsync(args, Console.Out, Console.Error, TimeProvider.System).ConfigureAwait(false);
