namespace Shm.Primitives.Threading;

/// <summary>
/// The first phase of a latency-critical wait (a reply, the next request): probe at the finest grain, so the
/// hand-off is seen within nanoseconds rather than after a back-off step. Every 128 probes the CPU is offered
/// to others, so a peer scheduled on this same CPU still gets to run.
/// </summary>
internal static class HotSpin
{
    public const int Probes = 2048;

    /// <summary>
    /// How long <see cref="UntilYielding"/> goes on. In time, not probes: a yield can hand the core over for a whole
    /// time slice, so a budget in probes could last seconds on a busy machine, the waiter costing busy threads a
    /// context switch at every turn. Long enough that a pipeline with gaps of a millisecond rarely pays for a futex
    /// wake-up (remote ping-pong ran 10-15% faster than with 200 us).
    /// </summary>
    public static readonly long YieldingTicks = System.Diagnostics.Stopwatch.Frequency / 500; // 2 ms

    /// <summary>
    /// Probes until <paramref name="probe"/> succeeds (true) or <see cref="YieldingTicks"/> have passed (false),
    /// offering the core to any other runnable thread (sched_yield) between probes. For a waiter whose work comes from
    /// threads that share its cores (a node's inbox reader, with the actors of both nodes on two cores): a tight spin
    /// holds a core those threads need, a yield hands it over at once and still probes again within about a
    /// microsecond when nothing else wants the core.
    /// </summary>
    public static bool UntilYielding<TProbe>(scoped ref TProbe probe) where TProbe : struct, IWaitAttempt, allows ref struct
    {
        long end = System.Diagnostics.Stopwatch.GetTimestamp() + YieldingTicks;
        do
        {
            if (probe.TryOnce())
                return true;
            Thread.Yield();
        }
        while (System.Diagnostics.Stopwatch.GetTimestamp() < end);
        return false;
    }

    /// <summary>Probes until <paramref name="probe"/> succeeds (true) or the budget is spent (false).</summary>
    public static bool Until<TProbe>(scoped ref TProbe probe) where TProbe : struct, IWaitAttempt, allows ref struct
    {
        for (int i = 1; i <= Probes; i++)
        {
            if (probe.TryOnce())
                return true;
            if ((i & 127) == 0)
                Thread.Yield();
            else
                Thread.SpinWait(1);
        }
        return false;
    }
}
