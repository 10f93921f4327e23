using System.Diagnostics;

namespace Shm.Examples.Cluster;

/// <summary>
/// The round trips of the coordinator's stats asks. Their percentiles are taken over the asks sent while every worker
/// was busy with jobs (after the first job, before the kill), where a shm run and a TCP run are under the same load;
/// the rest of a TCP run is mostly the idle wait for DeathWatch, which would flatter it. Without such asks (a run too
/// short, or no jobs yet), over all of them.
/// </summary>
internal sealed class AskTimes(RunState state)
{
    private readonly List<(long Start, long Ticks)> _answered = [];
    private long _failed;

    public long Failed => Interlocked.Read(ref _failed);

    public void Answered(long start, long ticks)
    {
        lock (_answered)
            _answered.Add((start, ticks));
    }

    public void Failure() => Interlocked.Increment(ref _failed);

    /// <summary>The asks answered so far, and the p50/p99 round trip in microseconds (<see cref="AskFigures.UnderLoad"/>: over which).</summary>
    public AskFigures Figures()
    {
        (long Start, long Ticks)[] answered;
        lock (_answered)
            answered = [.. _answered];
        long from = state.FirstJobAt, to = state.KilledAt != 0 ? state.KilledAt : state.AllDoneAt;
        long[] loaded = [.. answered.Where(a => from != 0 && a.Start >= from && (to == 0 || a.Start < to)).Select(a => a.Ticks)];
        bool underLoad = loaded.Length > 0;
        long[] ticks = underLoad ? loaded : [.. answered.Select(a => a.Ticks)];
        if (ticks.Length == 0)
            return new AskFigures(0, 0, 0, 0, false);
        Array.Sort(ticks);
        double Us(double q) => ticks[(int)Math.Min(ticks.Length - 1, q * ticks.Length)] * 1e6 / Stopwatch.Frequency;
        return new AskFigures(answered.Length, ticks.Length, Us(0.50), Us(0.99), underLoad);
    }
}

/// <summary>
/// <paramref name="Answered"/> asks in all; the percentiles are over <paramref name="Measured"/> of them, those sent
/// while every worker was busy when <paramref name="UnderLoad"/>, else all.
/// </summary>
internal sealed record AskFigures(int Answered, int Measured, double P50, double P99, bool UnderLoad);
