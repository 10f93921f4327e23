namespace Shm.Cli;

/// <summary>A failure the CLI reports as one message and an exit code (see <see cref="ExitCodes"/>).</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliException Usage(string message) => new(ExitCodes.Usage, message + " Run 'shm --help' for usage.");
}
