using Shm.Cli;

// The `shm` inspector. Everything lives in ShmCli so tests can run the same entry point in-process.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C ends `watch` cleanly; the process then exits with the command's own code.
    e.Cancel = true;
    cancel.Cancel();
};
return ShmCli.Run(args, CliConsole.FromProcess(), cancel.Token);
