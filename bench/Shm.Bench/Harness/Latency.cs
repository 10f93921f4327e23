using System.Diagnostics;

namespace Shm.Bench.Harness;

/// <summary>Percentiles of round-trip samples taken with <see cref="Stopwatch.GetTimestamp"/>.</summary>
public static class Latency
{
    /// <summary>Sorts <paramref name="samples"/> (Stopwatch ticks) and returns their p50 and p99 in microseconds.</summary>
    public static (double P50, double P99) Percentiles(long[] samples)
    {
        Array.Sort(samples);
        double toMicros = 1_000_000.0 / Stopwatch.Frequency;
        return (samples[samples.Length / 2] * toMicros, samples[(int)(samples.Length * 0.99)] * toMicros);
    }
}
