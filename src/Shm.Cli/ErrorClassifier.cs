using Shm.Primitives;

namespace Shm.Cli;

/// <summary>Turns what the segment layer and the OS throw into an exit code and a one-line message.</summary>
internal static class ErrorClassifier
{
    private const int EPERM = 1;
    private const int ENOENT = 2;
    private const int EACCES = 13;

    /// <summary>The exit code and message for <paramref name="error"/>, or null for an exception that is a bug, not bad input.</summary>
    public static (int ExitCode, string Message)? Classify(Exception error) => error switch
    {
        CliException cli => (cli.ExitCode, cli.Message),
        FileNotFoundException or DirectoryNotFoundException => (ExitCodes.NotFound, error.Message),
        UnauthorizedAccessException => (ExitCodes.PermissionDenied, error.Message),
        ShmCorruptedException or InvalidDataException => (ExitCodes.InvalidSegment, error.Message),
        IOException { HResult: EACCES or EPERM } => (ExitCodes.PermissionDenied, error.Message),
        IOException { HResult: ENOENT } => (ExitCodes.NotFound, error.Message),
        IOException => (ExitCodes.Failure, error.Message),
        ArgumentException => (ExitCodes.Usage, error.Message),
        PlatformNotSupportedException => (ExitCodes.Failure, error.Message),
        _ => null,
    };

    /// <summary>A short status word for a file ls or gc could not read.</summary>
    public static string StatusOf(int exitCode) => exitCode switch
    {
        ExitCodes.NotFound => "gone",
        ExitCodes.InvalidSegment => "invalid",
        ExitCodes.PermissionDenied => "no-permission",
        _ => "error",
    };
}
