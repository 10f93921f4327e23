using System.Text.Json;

namespace Shm.Cli.Tests;

/// <summary>Runs the shm entry point in-process with captured output.</summary>
public static class Cli
{
    public static CliResult Run(params string[] args) => Run(isTerminal: false, CancellationToken.None, args);

    public static CliResult Run(bool isTerminal, CancellationToken cancellation, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = ShmCli.Run(args, new CliConsole(output, error, isTerminal), cancellation);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}

public sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>Stdout parsed as one JSON document (fails the test with the output if it is not).</summary>
    public JsonElement Json()
    {
        try
        {
            return JsonDocument.Parse(Out).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"stdout is not JSON ({e.Message}):\n{Out}\nstderr:\n{Error}");
        }
    }

    /// <summary>Stdout parsed as JSON lines (watch --json).</summary>
    public List<JsonElement> JsonLines() =>
        [.. Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    public CliResult ShouldSucceed()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}");
        return this;
    }

    /// <summary>Fails unless the run ended with <paramref name="exitCode"/> and one plain message (no stack trace).</summary>
    public CliResult ShouldFailWith(int exitCode)
    {
        Assert.True(ExitCode == exitCode, $"expected exit {exitCode}, got {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}");
        Assert.StartsWith("shm: ", Error);
        Assert.Single(Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", Error + Out);
        return this;
    }
}
