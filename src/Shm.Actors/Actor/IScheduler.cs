namespace Shm.Actors;

/// <summary>
/// Delayed and periodic sends (<c>system.Scheduler</c>). Precision is that of the .NET timer queue (about a millisecond),
/// never early. Pass an <see cref="ICancelable"/> (or use the <c>…Cancelable</c> extensions) to be able to stop it.
/// </summary>
public interface IScheduler
{
    /// <summary>The scheduler's clock.</summary>
    DateTimeOffset Now { get; }

    /// <summary>Runs actions instead of sends.</summary>
    IAdvancedScheduler Advanced { get; }

    /// <summary>Tells <paramref name="message"/> to <paramref name="receiver"/> once, after <paramref name="delay"/>.</summary>
    void ScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef? sender, ICancelable? cancelable = null);

    /// <summary>Tells <paramref name="message"/> after <paramref name="initialDelay"/> and then every <paramref name="interval"/> until cancelled.</summary>
    void ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef? sender, ICancelable? cancelable = null);
}
