using System.Globalization;
using Shm.Primitives;

namespace Shm.Cli;

/// <summary>A parsed command line: the command, its positional arguments and the options every command shares.</summary>
internal sealed record CommandLine
{
    /// <summary>The interval <c>watch</c> refreshes at when none is given.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    /// <summary>The shortest interval <c>watch</c> accepts: each refresh opens and reads every watched segment.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(10);

    public string Command { get; init; } = "";

    public IReadOnlyList<string> Arguments { get; init; } = [];

    public bool Json { get; init; }

    public bool Help { get; init; }

    /// <summary>Where bare segment names resolve (--dir), /dev/shm by default.</summary>
    public string Directory { get; init; } = SegmentOptions.Default.Directory;

    public TimeSpan Interval { get; init; } = DefaultInterval;

    /// <summary>Refreshes <c>watch</c> makes before it stops (--count); null: until Ctrl+C.</summary>
    public int? Count { get; init; }

    public bool Force { get; init; }

    public bool DryRun { get; init; }

    /// <summary>ls: list every file, not only Shm segments.</summary>
    public bool All { get; init; }

    /// <summary>Parses <paramref name="args"/>; options may come before or after the command.</summary>
    /// <exception cref="CliException">An unknown option, or an option missing its value or given a bad one (exit code 2).</exception>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var line = new CommandLine();
        var positionals = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string Value()
            {
                if (i + 1 >= args.Count)
                    throw CliException.Usage($"Option {arg} needs a value.");
                return args[++i];
            }

            switch (arg)
            {
                case "--json": line = line with { Json = true }; break;
                case "-h" or "--help": line = line with { Help = true }; break;
                case "--dir": line = line with { Directory = Value() }; break;
                case "--interval": line = line with { Interval = ParseInterval(arg, Value()) }; break;
                case "--count": line = line with { Count = ParsePositive(arg, Value()) }; break;
                case "--force" or "-f": line = line with { Force = true }; break;
                case "--dry-run" or "-n": line = line with { DryRun = true }; break;
                case "--all" or "-a": line = line with { All = true }; break;
                case "--":
                    positionals.AddRange(args.Skip(i + 1));
                    i = args.Count;
                    break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                        throw CliException.Usage($"Unknown option '{arg}'.");
                    positionals.Add(arg);
                    break;
            }
        }
        if (positionals.Count > 0)
            line = line with { Command = positionals[0], Arguments = positionals.Skip(1).ToArray() };
        return line;
    }

    /// <summary>The single optional argument, or <paramref name="fallback"/>; more than one is a usage error.</summary>
    public string OptionalArgument(string fallback)
    {
        if (Arguments.Count > 1)
            throw CliException.Usage($"'{Command}' takes at most one argument; got {Arguments.Count}: {string.Join(' ', Arguments)}.");
        return Arguments.Count == 1 ? Arguments[0] : fallback;
    }

    /// <summary>The single required argument, named <paramref name="what"/> in the error.</summary>
    public string RequiredArgument(string what)
    {
        if (Arguments.Count == 0)
            throw CliException.Usage($"'{Command}' needs {what}.");
        if (Arguments.Count > 1)
            throw CliException.Usage($"'{Command}' takes one {what}; got {Arguments.Count}: {string.Join(' ', Arguments)}.");
        return Arguments[0];
    }

    private static TimeSpan ParseInterval(string option, string text)
    {
        // "500" or "500ms" is milliseconds, "2s" seconds.
        bool seconds = text.EndsWith('s') && !text.EndsWith("ms", StringComparison.Ordinal);
        string number = seconds ? text[..^1] : text.EndsWith("ms", StringComparison.Ordinal) ? text[..^2] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw CliException.Usage($"{option} '{text}' is not a duration; write milliseconds (500, 500ms) or seconds (2s).");
        TimeSpan interval = seconds ? TimeSpan.FromSeconds(value) : TimeSpan.FromMilliseconds(value);
        if (interval < MinInterval)
            throw CliException.Usage($"{option} is {interval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms; it must be at least {MinInterval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms.");
        return interval;
    }

    private static int ParsePositive(string option, string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1)
            throw CliException.Usage($"{option} '{text}' must be a whole number of at least 1.");
        return value;
    }
}
