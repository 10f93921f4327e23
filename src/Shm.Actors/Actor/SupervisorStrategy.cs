using Shm.Actors.Internal;

namespace Shm.Actors;

/// <summary>
/// How a parent handles a failed child: a decider maps the exception to a <see cref="Directive"/>, a retry limit turns
/// restarts into stops, and the subclass decides whom the directive applies to (the child, or all children).
/// </summary>
public abstract class SupervisorStrategy
{
    /// <summary>
    /// Akka's default decider: <see cref="ActorInitializationException"/>, <see cref="ActorKilledException"/> and
    /// <see cref="DeathPactException"/> stop the child; any other exception restarts it.
    /// </summary>
    public static readonly Func<Exception, Directive> DefaultDecider = exception => exception switch
    {
        ActorInitializationException or ActorKilledException or DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>One-for-one with <see cref="DefaultDecider"/> and no retry limit.</summary>
    public static readonly SupervisorStrategy DefaultStrategy = new OneForOneStrategy(DefaultDecider);

    /// <summary>Stops every failing child.</summary>
    public static readonly SupervisorStrategy StoppingStrategy = new OneForOneStrategy(_ => Directive.Stop);

    /// <summary>Creates a strategy.</summary>
    protected SupervisorStrategy(int? maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider, bool loggingEnabled)
    {
        ArgumentNullException.ThrowIfNull(decider);
        MaxNumberOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange;
        Decider = decider;
        LoggingEnabled = loggingEnabled;
    }

    /// <summary>Restarts allowed: 0 never, null or -1 unlimited, n in total or per <see cref="WithinTimeRange"/>.</summary>
    public int? MaxNumberOfRetries { get; }

    /// <summary>The window the retry limit applies to, or null for a lifetime limit.</summary>
    public TimeSpan? WithinTimeRange { get; }

    /// <summary>Maps a failure to a directive.</summary>
    public Func<Exception, Directive> Decider { get; }

    /// <summary>Whether failures are logged.</summary>
    public bool LoggingEnabled { get; }

    /// <summary>Applies <paramref name="restart"/> (true) or stop (false) to the failed child and, for all-for-one strategies, its siblings.</summary>
    internal abstract void ProcessFailure(ActorCell parent, bool restart, ChildRestartStats failed, Exception cause, IReadOnlyCollection<ChildRestartStats> children);

    /// <summary>Decides and acts on a failure; returns false when the failure must escalate.</summary>
    internal bool HandleFailure(ActorCell parent, ChildRestartStats failed, Exception cause, IReadOnlyCollection<ChildRestartStats> children)
    {
        Directive directive = Decider(cause);
        if (LoggingEnabled && directive != Directive.Escalate) parent.LogFailure(failed.Child, cause, directive);
        switch (directive)
        {
            case Directive.Resume:
                failed.Child.SendSystemMessage(new Resume(cause));
                return true;
            case Directive.Restart:
                ProcessFailure(parent, failed.RequestRestartPermission(MaxNumberOfRetries, WithinTimeRange) && AllowRestartOfOthers(failed, children), failed, cause, children);
                return true;
            case Directive.Stop:
                ProcessFailure(parent, false, failed, cause, children);
                return true;
            default:
                return false;
        }
    }

    private protected virtual bool AllowRestartOfOthers(ChildRestartStats failed, IReadOnlyCollection<ChildRestartStats> children) => true;
}
