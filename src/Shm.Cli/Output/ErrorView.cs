namespace Shm.Cli.Output;

/// <summary>What --json prints when a command fails: the message and the exit code the process ends with.</summary>
internal sealed record ErrorView(string Error, int ExitCode);
