using System.Globalization;

namespace Shm.TestKit;

/// <summary>
/// Test timing (Akka's <c>akka.test.*</c>). <see cref="TimeFactor"/> comes from the environment variable
/// <c>SHM_TEST_TIMEFACTOR</c> (default 1.0): raise it on slow or loaded machines and every dilated timeout grows with it.
/// </summary>
public static class TestKitSettings
{
    /// <summary>The name of the environment variable holding the time factor.</summary>
    public const string TimeFactorVariable = "SHM_TEST_TIMEFACTOR";

    /// <summary>Multiplier applied to every dilated duration (<c>akka.test.timefactor</c>).</summary>
    public static double TimeFactor { get; } =
        double.TryParse(Environment.GetEnvironmentVariable(TimeFactorVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f > 0 ? f : 1.0;

    /// <summary>The default wait of a single expectation before dilation (<c>single-expect-default</c>, 3 s).</summary>
    public static TimeSpan SingleExpectDefault { get; } = TimeSpan.FromSeconds(3);

    /// <summary>How long shutting down a test's system may take before dilation (<c>default-timeout</c>, 5 s).</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(5);
}
