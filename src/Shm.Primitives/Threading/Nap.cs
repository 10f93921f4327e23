namespace Shm.Primitives.Threading;

/// <summary>
/// The middle phase of a throughput wait (a reader caught up with a busy publisher, a publisher waiting for its readers
/// to make room): after a short spin, sleep in slices of tens of microseconds instead of spinning or yielding, so the
/// core is really free. On a machine with fewer cores than busy threads a spinning or yielding waiter still counts as
/// load: the scheduler keeps the thread it waits for sharing a core with another instead of moving it to the one the
/// waiter holds. A sleeping waiter leaves its core idle, and idle balancing moves a runnable thread onto it at once.
/// No one has to wake a napping thread (it wakes itself), so a nap costs the thread it waits for nothing.
/// </summary>
internal static unsafe class Nap
{
    /// <summary>The slice: long enough to leave the core to another thread, short beside a ring's worth of events.</summary>
    public static readonly TimeSpan Slice = TimeSpan.FromMicroseconds(50);

    private const int SpinProbes = 64;

    /// <summary>Sleeps for about <paramref name="duration"/> (plus the kernel's timer slack), woken by nothing else.</summary>
    public static void Sleep(TimeSpan duration)
    {
        uint word = 0; // a word of this stack that nobody wakes: a timed futex wait is a sleep of microsecond grain
        Futex.Wait(&word, 0, duration, processPrivate: true);
    }

    /// <summary>
    /// Probes until <paramref name="probe"/> succeeds (true) or <paramref name="budgetTicks"/> (Stopwatch ticks) have
    /// passed (false): a few spinning probes, then one probe per <see cref="Slice"/> of sleep.
    /// </summary>
    public static bool Until<TProbe>(scoped ref TProbe probe, long budgetTicks) where TProbe : struct, IWaitAttempt, allows ref struct
    {
        for (int i = 0; i < SpinProbes; i++)
        {
            if (probe.TryOnce())
                return true;
            Thread.SpinWait(8);
        }
        long end = System.Diagnostics.Stopwatch.GetTimestamp() + budgetTicks;
        do
        {
            Sleep(Slice);
            if (probe.TryOnce())
                return true;
        }
        while (System.Diagnostics.Stopwatch.GetTimestamp() < end);
        return false;
    }
}
