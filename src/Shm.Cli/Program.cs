using Shm.Cli;

// The `shm` inspector. Everything lives in ShmCli so tests can run the same entry point in-process.
using var cancel = new CancellationTokenSource();
bool watching = IsWatch(args);
Console.CancelKeyPress += (_, e) =>
{
    // During `watch` the first Ctrl+C ends the refresh loop cleanly (exit code 0); otherwise, and on a second press,
    // the process terminates as usual.
    e.Cancel = watching && !cancel.IsCancellationRequested;
    cancel.Cancel();
};
return ShmCli.Run(args, CliConsole.FromProcess(), cancel.Token);

static bool IsWatch(string[] args)
{
    try
    {
        return CommandLine.Parse(args).Command == "watch";
    }
    catch (CliException)
    {
        return false; // ShmCli reports the usage error itself
    }
}
