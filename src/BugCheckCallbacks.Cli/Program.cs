using BugCheckCallbacks.Cli;

return BugCheckCli.Run(args, CliContext.ForConsole());
