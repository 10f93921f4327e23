using Shm.Actors.Dispatch;

namespace Shm.Actors.Internal;

/// <summary>
/// An actor's timers. A firing timer only enqueues a <see cref="TimerMessage"/> stamped with the timer's generation; the
/// cell accepts it on its own turn only if that generation is still current, which is how a cancelled or replaced timer's
/// already-queued message is never received.
/// </summary>
internal sealed class TimerScheduler(ActorCell cell) : ITimerScheduler
{
    private readonly Dictionary<object, Entry> _timers = [];
    private int _generation;

    public void StartSingleTimer(object key, object msg, TimeSpan timeout, IActorRef? sender = null) =>
        Start(key, msg, timeout, Timeout.InfiniteTimeSpan, sender, repeat: false);

    public void StartPeriodicTimer(object key, object msg, TimeSpan interval, IActorRef? sender = null) =>
        Start(key, msg, interval, interval, sender, repeat: true);

    public void StartPeriodicTimer(object key, object msg, TimeSpan initialDelay, TimeSpan interval, IActorRef? sender = null) =>
        Start(key, msg, initialDelay, interval, sender, repeat: true);

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out Entry? entry)) entry.Timer.Dispose();
    }

    public void CancelAll()
    {
        foreach (Entry entry in _timers.Values) entry.Timer.Dispose();
        _timers.Clear();
    }

    /// <summary>Whether a timer message that reached the head of the mailbox is still wanted; a single timer ends here.</summary>
    public bool Accept(TimerMessage message)
    {
        if (!ReferenceEquals(message.Owner, this) || !_timers.TryGetValue(message.Key, out Entry? entry) || entry.Generation != message.Generation)
            return false;
        if (!entry.Repeat) _timers.Remove(message.Key);
        return true;
    }

    private void Start(object key, object msg, TimeSpan dueTime, TimeSpan period, IActorRef? sender, bool repeat)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(msg);
        Cancel(key);
        var message = new TimerMessage(key, ++_generation, msg, this);
        var envelope = new Envelope(message, sender);
        LocalActorRef self = cell.SelfRef;
        ITimer timer = cell.System.Settings.TimeProvider.CreateTimer(
            _ => self.Cell.Mailbox.Post(self, envelope), null, dueTime, period);
        _timers[key] = new Entry(timer, message.Generation, repeat);
    }

    private sealed record Entry(ITimer Timer, int Generation, bool Repeat);
}

/// <summary>A timer's message on its way through the mailbox.</summary>
/// <remarks>Suppressed as a dead letter: a timer that fires while its actor stops is routine, not a lost message.</remarks>
internal sealed record TimerMessage(object Key, int Generation, object Message, TimerScheduler Owner) : IAutoReceivedMessage, Event.IDeadLetterSuppression;
