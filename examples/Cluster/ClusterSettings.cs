using System.Globalization;

namespace Shm.Examples.Cluster;

/// <summary>
/// The command line: <c>[--transport shm|tcp] [--compare] [--workers N] [--jobs N] [--work-us N] [--duration SECONDS]
/// [--no-chaos] [--json FILE] [--worker-start-delay MS]</c>, or a worker's role
/// (<c>--worker SYSTEM NODE --coordinator ADDRESS</c>, which the coordinator passes).
/// </summary>
public sealed record ClusterSettings
{
    public ClusterTransport Transport { get; init; } = ClusterTransport.Shm;

    /// <summary>Run over shm, then over TCP, with the same settings, and print both side by side.</summary>
    public bool Compare { get; init; }

    public int Workers { get; init; } = 3;

    public int Jobs { get; init; } = 30_000;

    public int WorkMicroseconds { get; init; } = 50;

    /// <summary>The longest a run may take; past it the run fails (its invariants did not hold in time).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(5);

    public bool Chaos { get; init; } = true;

    public string? JsonPath { get; init; }

    /// <summary>
    /// How long each worker waits between starting its actor system and creating its actors: a slow start made visible
    /// (the coordinator hands out jobs only to workers that registered, which they do once their actors exist).
    /// </summary>
    public TimeSpan WorkerStartDelay { get; init; }

    /// <summary>Set for a worker process: its system and node name.</summary>
    public (string System, string Node)? WorkerOf { get; init; }

    /// <summary>Set for a worker process: the coordinator's actor system address (where it registers, and its seed on TCP).</summary>
    public string? CoordinatorAddress { get; init; }

    public static ClusterSettings Parse(string[] args)
    {
        var settings = new ClusterSettings();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Positive(string name, string text, int max) =>
                int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= 1 && value <= max
                    ? value
                    : throw new ArgumentException($"{name} must be a whole number from 1 to {max} (got '{text}').");
            settings = args[i] switch
            {
                "--transport" => settings with
                {
                    Transport = Next() switch
                    {
                        "shm" => ClusterTransport.Shm,
                        "tcp" => ClusterTransport.Tcp,
                        string other => throw new ArgumentException($"--transport must be shm or tcp (got '{other}')."),
                    },
                },
                "--compare" => settings with { Compare = true },
                "--workers" => settings with { Workers = Positive("--workers", Next(), 32) },
                "--jobs" => settings with { Jobs = Positive("--jobs", Next(), 10_000_000) },
                "--work-us" => settings with { WorkMicroseconds = Positive("--work-us", Next(), 1_000_000) },
                "--duration" => settings with { Duration = TimeSpan.FromSeconds(Positive("--duration", Next(), 86_400)) },
                "--no-chaos" => settings with { Chaos = false },
                "--json" => settings with { JsonPath = Next() },
                "--worker-start-delay" => settings with { WorkerStartDelay = TimeSpan.FromMilliseconds(Positive("--worker-start-delay", Next(), 60_000)) },
                "--worker" => settings with { WorkerOf = (Next(), Next()) },
                "--coordinator" => settings with { CoordinatorAddress = Next() },
                "--help" or "-h" => throw new ArgumentException(""),
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }
        if (settings.WorkerOf is not null && settings.CoordinatorAddress is null)
            throw new ArgumentException("--worker needs --coordinator ADDRESS.");
        return settings;
    }

    public const string Usage =
        "usage: dotnet run --project examples/Cluster -- [--transport shm|tcp (shm)] [--compare] [--workers N (3)] [--jobs N (30000)] [--work-us N (50)] [--duration SECONDS (300)] [--no-chaos] [--json FILE] [--worker-start-delay MS]";
}
