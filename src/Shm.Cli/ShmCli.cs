using Shm.Cli.Commands;
using Shm.Cli.Output;

namespace Shm.Cli;

/// <summary>The entry point of the <c>shm</c> inspector, callable in-process (tests) as well as from Program.</summary>
internal static class ShmCli
{
    /// <summary>
    /// Runs one command and returns the process exit code (<see cref="ExitCodes"/>). Never throws and never prints a
    /// stack trace: bad input becomes one message on <see cref="CliConsole.Error"/> (and an error object on
    /// <see cref="CliConsole.Out"/> with --json).
    /// </summary>
    public static int Run(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellation = default)
    {
        bool json = args.Contains("--json");
        try
        {
            CommandLine line = CommandLine.Parse(args);
            json = line.Json;
            if (line.Help || line.Command is "help")
            {
                console.Out.WriteLine(HelpText.Usage);
                return ExitCodes.Success;
            }
            return line.Command switch
            {
                "" => throw CliException.Usage("No command given."),
                "ls" => LsCommand.Run(line, console),
                "stat" => StatCommand.Run(line, console),
                "watch" => WatchCommand.Run(line, console, cancellation),
                "nodes" => NodesCommand.Run(line, console),
                "rm" => RmCommand.Run(line, console),
                "gc" => GcCommand.Run(line, console),
                _ => throw CliException.Usage($"Unknown command '{line.Command}'."),
            };
        }
        catch (Exception error)
        {
            // Anything unclassified is a bug in shm, still reported in one line: a stack trace helps nobody at a prompt.
            (int exitCode, string message) = ErrorClassifier.Classify(error)
                ?? (ExitCodes.Failure, $"internal error ({error.GetType().Name}): {error.Message}");
            if (json)
                CliJson.Write(console.Out, new ErrorView(message, exitCode));
            console.Error.WriteLine("shm: " + message);
            return exitCode;
        }
    }
}
