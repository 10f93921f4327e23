using System.Globalization;

namespace Shm.Primitives.Tests;

/// <summary>Size knobs for long campaigns: a short default for CI, an environment variable for more.</summary>
public static class TestSize
{
    public static long Get(string variable, long defaultValue) =>
        long.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value > 0
            ? value
            : defaultValue;
}
