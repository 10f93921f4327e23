using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Shm.Bench.Harness;

/// <summary>
/// How long a cache line takes to go from one CPU to the other and back, measured by two threads of this process
/// passing a counter. Every cross-process hand-off the suites time is a few such trips, so this figure explains most
/// of the difference between runs: on the VMs the project is measured on it has been seen at 92-120 ns and at
/// 430-506 ns as the host places the two vCPUs on cores that share a cache or not, and the rates move with it.
/// </summary>
internal static class CoreToCore
{
    private const int Rounds = 20_000;
    private const int Repetitions = 5;

    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private sealed class Line
    {
        [FieldOffset(64)] public long Value; // away from the object header and the neighbours' lines
    }

    /// <summary>The best of a few runs (a run the scheduler interrupted is slower, never faster), in nanoseconds per round trip.</summary>
    public static double RoundTripNanoseconds()
    {
        if (Environment.ProcessorCount < 2)
            return double.NaN;
        double best = double.MaxValue;
        for (int r = 0; r < Repetitions; r++)
            best = Math.Min(best, MeasureOnce());
        return best;
    }

    private static double MeasureOnce()
    {
        var line = new Line();
        var echo = new Thread(() =>
        {
            for (long i = 1; i <= Rounds; i++)
            {
                while (Volatile.Read(ref line.Value) != 2 * i - 1)
                {
                }
                Volatile.Write(ref line.Value, 2 * i);
            }
        }) { IsBackground = true };
        echo.Start();
        long start = Stopwatch.GetTimestamp();
        for (long i = 1; i <= Rounds; i++)
        {
            Volatile.Write(ref line.Value, 2 * i - 1);
            while (Volatile.Read(ref line.Value) != 2 * i)
            {
            }
        }
        double elapsed = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
        echo.Join();
        return elapsed / Rounds;
    }

    /// <summary>The log line: the figure and what it means for the rows around it.</summary>
    public static string Describe() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"  core-to-core cache-line round trip: {RoundTripNanoseconds():F0} ns (every hand-off below costs a few of these)");
}
