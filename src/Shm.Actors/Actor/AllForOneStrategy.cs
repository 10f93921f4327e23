using Shm.Actors.Internal;

namespace Shm.Actors;

/// <summary>
/// Applies Restart and Stop to every child when one fails (Resume to the failing one only): for children that only make
/// sense together. The retry limit counts per child, and a restart is allowed only if every child may still restart.
/// </summary>
public sealed class AllForOneStrategy : SupervisorStrategy
{
    /// <summary>Creates the strategy.</summary>
    /// <param name="maxNrOfRetries">Restarts allowed: 0 never, null or -1 unlimited, n in total or per window.</param>
    /// <param name="withinTimeRange">The window, or null.</param>
    /// <param name="decider">Maps failures to directives.</param>
    public AllForOneStrategy(int? maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider)
        : base(maxNrOfRetries, withinTimeRange, decider, loggingEnabled: true) { }

    /// <summary>Creates the strategy with the window in milliseconds (-1 or 0: none).</summary>
    public AllForOneStrategy(int maxNrOfRetries, int withinTimeMilliseconds, Func<Exception, Directive> decider, bool loggingEnabled = true)
        : base(maxNrOfRetries, withinTimeMilliseconds > 0 ? TimeSpan.FromMilliseconds(withinTimeMilliseconds) : null, decider, loggingEnabled) { }

    /// <summary>Creates the strategy with no retry limit.</summary>
    public AllForOneStrategy(Func<Exception, Directive> decider) : base(null, null, decider, loggingEnabled: true) { }

    private protected override bool AllowRestartOfOthers(ChildRestartStats failed, IReadOnlyCollection<ChildRestartStats> children)
    {
        foreach (ChildRestartStats sibling in children)
        {
            if (!ReferenceEquals(sibling, failed) && !sibling.RequestRestartPermission(MaxNumberOfRetries, WithinTimeRange)) return false;
        }
        return true;
    }

    internal override void ProcessFailure(ActorCell parent, bool restart, ChildRestartStats failed, Exception cause, IReadOnlyCollection<ChildRestartStats> children)
    {
        foreach (ChildRestartStats child in children)
        {
            if (restart) child.Child.SendSystemMessage(new Recreate(cause));
            else parent.StopChild(child.Child);
        }
    }
}
