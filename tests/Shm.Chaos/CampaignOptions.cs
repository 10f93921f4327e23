using System.Globalization;

namespace Shm.Chaos;

/// <summary>The campaign's size knobs. Defaults are the full run; --quick (and the xunit tests) shrink them.</summary>
public sealed record CampaignOptions
{
    public int KillsPerPoint { get; init; } = 100;
    public int RandomKills { get; init; } = 100;
    public long Mutations { get; init; } = 1_000_000;
    public int TruncationsPerKind { get; init; } = 20;
    public int PausesPerPrimitive { get; init; } = 3;
    public string? JsonPath { get; init; }
    public string? Only { get; init; }
    public int Seed { get; init; } = 20240607;

    /// <summary>The CI size: a few kills per point, about ten thousand mutations (2,000 per kind).</summary>
    public static CampaignOptions Quick => new() { KillsPerPoint = 3, RandomKills = 4, Mutations = 2_000, PausesPerPrimitive = 1, TruncationsPerKind = 2 };

    public static CampaignOptions Parse(string[] args)
    {
        CampaignOptions options = args.Contains("--quick") ? Quick : new CampaignOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--quick":
                    break;
                case "--kills":
                    options = options with { KillsPerPoint = int.Parse(Next(), CultureInfo.InvariantCulture) };
                    break;
                case "--random-kills":
                    options = options with { RandomKills = int.Parse(Next(), CultureInfo.InvariantCulture) };
                    break;
                case "--mutations":
                    options = options with { Mutations = long.Parse(Next(), CultureInfo.InvariantCulture) };
                    break;
                case "--truncations":
                    options = options with { TruncationsPerKind = int.Parse(Next(), CultureInfo.InvariantCulture) };
                    break;
                case "--pauses":
                    options = options with { PausesPerPrimitive = int.Parse(Next(), CultureInfo.InvariantCulture) };
                    break;
                case "--json":
                    options = options with { JsonPath = Next() };
                    break;
                case "--only":
                    options = options with { Only = Next() };
                    break;
                case "--seed":
                    options = options with { Seed = int.Parse(Next(), CultureInfo.InvariantCulture) };
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}; expected --kills N, --random-kills N, --mutations N, --truncations N, --pauses N, --quick, --json FILE, --only PREFIX, --seed N");
            }
        }
        return options;
    }
}
