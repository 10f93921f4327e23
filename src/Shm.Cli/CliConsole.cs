namespace Shm.Cli;

/// <summary>Where a command writes, and whether its output is a terminal (watch redraws in place only on one).</summary>
/// <param name="Out">Results: tables, or JSON with --json.</param>
/// <param name="Error">Messages about failures, one line each, never a stack trace.</param>
/// <param name="IsTerminal">True when <paramref name="Out"/> is an interactive terminal.</param>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, bool IsTerminal)
{
    /// <summary>The process's own standard output and error.</summary>
    public static CliConsole FromProcess() => new(Console.Out, Console.Error, !Console.IsOutputRedirected);
}
