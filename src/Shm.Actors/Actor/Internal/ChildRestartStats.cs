namespace Shm.Actors.Internal;

/// <summary>A child's restart count and window, kept by its parent to enforce a strategy's retry limit. Parent's turn only.</summary>
internal sealed class ChildRestartStats(InternalActorRef child)
{
    private long _windowStartMs;

    public InternalActorRef Child { get; } = child;

    public int RetriesCount { get; private set; }

    /// <summary>
    /// Counts one restart and says whether it is allowed: 0 retries never, null/-1 without a window always, n without a
    /// window n in total, and with a window at most n (1 if unset) inside any window that starts at the first counted restart.
    /// </summary>
    public bool RequestRestartPermission(int? maxNrOfRetries, TimeSpan? withinTimeRange)
    {
        int? max = maxNrOfRetries is < 0 ? null : maxNrOfRetries;
        if (max == 0) return false;
        if (withinTimeRange is null || withinTimeRange.Value <= TimeSpan.Zero)
        {
            if (max is null) return true;
            RetriesCount++;
            return RetriesCount <= max.Value;
        }
        return RetriesInWindowOkay(max ?? 1, withinTimeRange.Value);
    }

    private bool RetriesInWindowOkay(int retries, TimeSpan window)
    {
        long now = Environment.TickCount64;
        if (_windowStartMs == 0) _windowStartMs = now;
        if (now - _windowStartMs <= (long)window.TotalMilliseconds)
        {
            RetriesCount++;
            return RetriesCount <= retries;
        }
        // The window has passed: this failure opens a new one.
        RetriesCount = 1;
        _windowStartMs = now;
        return true;
    }
}
