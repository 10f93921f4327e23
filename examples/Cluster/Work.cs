using System.Diagnostics;

namespace Shm.Examples.Cluster;

/// <summary>
/// The CPU work of a job: a hash chain of about the requested length. Its rounds per microsecond are measured once per
/// process (the best of a few tries, so a preemption does not count), so a "50 us" job is 50 us on this machine.
/// </summary>
internal static class Work
{
    private const long CalibrationRounds = 1_000_000;
    private const int CalibrationTries = 3;
    private static readonly double s_roundsPerMicrosecond = Calibrate();

    public static long Do(int id, int microseconds) => Chain(id, (long)(microseconds * s_roundsPerMicrosecond));

    private static long Chain(int id, long rounds)
    {
        ulong x = (ulong)id * 0x9E3779B97F4A7C15UL + 1;
        for (long i = 0; i < rounds; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        return (long)x;
    }

    private static double Calibrate()
    {
        double best = double.MaxValue;
        for (int i = 0; i < CalibrationTries; i++)
        {
            long start = Stopwatch.GetTimestamp();
            Chain(i, CalibrationRounds);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
        return CalibrationRounds / Math.Max(best, 1);
    }
}
