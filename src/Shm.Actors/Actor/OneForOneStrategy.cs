using Shm.Actors.Internal;

namespace Shm.Actors;

/// <summary>Applies the directive to the failing child only. The default strategy of every actor.</summary>
/// <example><code>
/// protected override SupervisorStrategy SupervisorStrategy() =>
///     new OneForOneStrategy(3, TimeSpan.FromSeconds(10), ex => ex is TimeoutException ? Directive.Resume : Directive.Restart);
/// </code></example>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    /// <summary>Creates the strategy.</summary>
    /// <param name="maxNrOfRetries">Restarts allowed: 0 never, null or -1 unlimited, n in total or per window.</param>
    /// <param name="withinTimeRange">The window, or null.</param>
    /// <param name="decider">Maps failures to directives.</param>
    public OneForOneStrategy(int? maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider)
        : base(maxNrOfRetries, withinTimeRange, decider, loggingEnabled: true) { }

    /// <summary>Creates the strategy with the window in milliseconds (-1 or 0: none).</summary>
    public OneForOneStrategy(int maxNrOfRetries, int withinTimeMilliseconds, Func<Exception, Directive> decider, bool loggingEnabled = true)
        : base(maxNrOfRetries, withinTimeMilliseconds > 0 ? TimeSpan.FromMilliseconds(withinTimeMilliseconds) : null, decider, loggingEnabled) { }

    /// <summary>Creates the strategy with no retry limit.</summary>
    public OneForOneStrategy(Func<Exception, Directive> decider) : base(null, null, decider, loggingEnabled: true) { }

    internal override void ProcessFailure(ActorCell parent, bool restart, ChildRestartStats failed, Exception cause, IReadOnlyCollection<ChildRestartStats> children)
    {
        if (restart) failed.Child.SendSystemMessage(new Recreate(cause));
        else parent.StopChild(failed.Child);
    }
}
