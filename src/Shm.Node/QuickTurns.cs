using System.Diagnostics;

namespace Shm.Node;

/// <summary>
/// Whether the actor turns a transport reader runs itself (inline, instead of handing them to the thread pool) stay
/// quick: their sampled average is at most <see cref="Limit"/>. An inline turn costs no thread-pool hand-off (the
/// wake-up of an idle worker, several microseconds, and a core the nodes' threads compete for); a slow actor makes the
/// average rise and turns go to the pool again, so one slow actor cannot hold up the others' messages for long; one that
/// blocks is the reader's watchdog's business (see <see cref="WatchedReader"/>).
/// </summary>
/// <remarks>
/// One turn in <see cref="SampleEvery"/> is timed, because a clock read costs about as much as a short turn's own work;
/// a timed turn weighs a quarter of the average, so two slow ones in a row send turns to the pool. Used by one thread
/// (a reader taken over by its watchdog may still finish a turn: the average is a heuristic, and such a race only blurs it).
/// </remarks>
internal struct QuickTurns
{
    /// <summary>The longest average inline turn before turns go back to the thread pool.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMicroseconds(50);

    /// <summary>Turns per timed turn.</summary>
    public const int SampleEvery = 8;

    private static readonly long s_limitTicks = (long)(Limit.TotalSeconds * Stopwatch.Frequency);
    private long _averageTicks;
    private uint _turns;

    /// <summary>Whether the next turn may run inline.</summary>
    public readonly bool AreQuick => _averageTicks <= s_limitTicks;

    /// <summary>A turn went to the pool: the average decays, so inlining is tried again after a while.</summary>
    public void Skipped() => _averageTicks -= _averageTicks >> 6;

    /// <summary>An inline turn begins; pass what this returns to <see cref="Ended"/>.</summary>
    public long Begin() => (++_turns & (SampleEvery - 1)) == 0 ? Stopwatch.GetTimestamp() : 0;

    /// <summary>The inline turn that <see cref="Begin"/> returned <paramref name="start"/> for has ended.</summary>
    public void Ended(long start)
    {
        if (start == 0)
            return;
        // A sample counts at most 4 limits: one outlier (a first call's JIT, a GC) must not send turns to the pool for long.
        long ticks = Math.Min(Stopwatch.GetTimestamp() - start, 4 * s_limitTicks);
        _averageTicks += (ticks - _averageTicks) >> 2;
    }
}
