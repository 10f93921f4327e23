using System.Globalization;

namespace Shm.Chaos.Tests;

/// <summary>The quick campaign's size: a short default for CI, environment variables for more.</summary>
public static class ChaosSize
{
    /// <summary>Kills per fault point (SHM_CHAOS_KILLS, default 3).</summary>
    public static int Kills => (int)Get("SHM_CHAOS_KILLS", 3);

    /// <summary>Random-moment kills per primitive (SHM_CHAOS_RANDOM_KILLS, default 4).</summary>
    public static int RandomKills => (int)Get("SHM_CHAOS_RANDOM_KILLS", 4);

    /// <summary>Mutations per segment kind (SHM_CHAOS_MUTATIONS, default 2,000: about 10,000 over the five kinds).</summary>
    public static long Mutations => Get("SHM_CHAOS_MUTATIONS", 2_000);

    /// <summary>Truncations per segment kind (SHM_CHAOS_TRUNCATIONS, default 2).</summary>
    public static int Truncations => (int)Get("SHM_CHAOS_TRUNCATIONS", 2);

    private static long Get(string variable, long defaultValue) =>
        long.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value > 0
            ? value
            : defaultValue;
}
