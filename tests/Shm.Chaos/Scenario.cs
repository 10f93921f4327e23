using System.Diagnostics;
using System.Globalization;

namespace Shm.Chaos;

/// <summary>
/// One primitive under attack: its segment (created by the campaign, unlinked at the end), the survivors working
/// on it, what a victim runs, how recovery is probed and how the structure checks itself.
/// </summary>
public abstract class Scenario : IDisposable
{
    /// <summary>Survivors' items come from sources at and above this; victims use 1.. below it.</summary>
    public const long SurvivorSource = 0x7F0000;
    public const long ProbeSource = 0x7F1000;

    protected static readonly TimeSpan SurvivorTimeout = TimeSpan.FromMilliseconds(5);
    private long _sequence;
    private readonly long _source;

    protected Scenario(string segmentName, long source = SurvivorSource)
    {
        SegmentName = segmentName;
        _source = source;
    }

    public Ledger Ledger { get; } = new();

    public Survivors Survivors { get; } = new();

    public string SegmentName { get; }

    /// <summary>The name in tables ("ShmQueue&lt;T&gt;").</summary>
    public abstract string Primitive { get; }

    /// <summary>The fault-point prefix this scenario serves ("queue").</summary>
    public abstract string Prefix { get; }

    /// <summary>The victim's workload for a fault point's operation (the victim understands "mixed").</summary>
    public virtual string VictimOperation(FaultPointInfo point) => point.Operation;

    /// <summary>How a victim's log maps onto the ledger.</summary>
    public virtual OpLog.Mode VictimLogMode(string operation) => OpLog.Mode.Queue;

    /// <summary>The largest hit count an armed victim gets (it must reach it quickly under the survivors' load).</summary>
    public virtual int MaxHit => 40;

    /// <summary>Reads a dead (or finished) victim's log into the ledger.</summary>
    public virtual void Absorb(string logPath, string operation) => OpLog.ReadInto(logPath, Ledger, VictimLogMode(operation));

    public abstract void StartSurvivors();

    public void StopSurvivors(TimeSpan timeout) => Survivors.Stop(timeout);

    /// <summary>
    /// Survivors stopped: one operation that needs whatever the dead process held (its lock, its slot, its claim),
    /// done to completion. Returns when it completed; throws <see cref="TimeoutException"/> past the deadline (a wedge).
    /// </summary>
    public abstract void Probe(DateTime deadline);

    /// <summary>The structure's own consistency check, survivors stopped and no victim alive.</summary>
    public abstract void CheckConsistency();

    /// <summary>Takes everything still in the structure into the ledger.</summary>
    public abstract void Drain();

    protected long NextId() => (_source << 32) | Interlocked.Increment(ref _sequence);

    protected static TimeSpan Remaining(DateTime deadline)
    {
        TimeSpan left = deadline - DateTime.UtcNow;
        if (left <= TimeSpan.Zero)
            throw new TimeoutException("the probe did not complete before its deadline");
        return left;
    }

    /// <summary>A short wait inside a probe (at most 5 ms), throwing once the deadline has passed.</summary>
    protected static TimeSpan Step(DateTime deadline)
    {
        TimeSpan left = Remaining(deadline);
        return left < s_probeStep ? left : s_probeStep;
    }

    private static readonly TimeSpan s_probeStep = TimeSpan.FromMilliseconds(5);

    public abstract void Dispose();

    public static string Seed(Random random) => random.Next().ToString(CultureInfo.InvariantCulture);

    public static double ElapsedMs(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
}
