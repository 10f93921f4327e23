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
    /// Probes until <paramref name="probe"/> succeeds (true) or <paramref name="budgetTicks"/> (Stopwatch ticks) have
    /// passed (false), offering the core to any other runnable thread (sched_yield) between probes. For a waiter whose
    /// work comes from threads that share its cores (a node's inbox reader, with the actors of both nodes on two
    /// cores): a tight spin holds a core those threads need, a yield hands it over at once and still probes again
    /// within about a microsecond when nothing else wants the core. The budget is in time, not probes: a yield can
    /// give the core away for a whole time slice, so a count of yields could last seconds on a busy machine.
    /// </summary>
    public static bool UntilYielding<TProbe>(scoped ref TProbe probe, long budgetTicks) where TProbe : struct, IWaitAttempt, allows ref struct
    {
        long end = System.Diagnostics.Stopwatch.GetTimestamp() + budgetTicks;
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
