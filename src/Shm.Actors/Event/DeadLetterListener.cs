namespace Shm.Actors.Event;

/// <summary>
/// <c>/system/deadLetterListener</c>: logs dead letters at info level, at most <see cref="ActorSystemSettings.LogDeadLetters"/>
/// in a row, then stays silent for <see cref="ActorSystemSettings.LogDeadLettersSuspendDuration"/>; nothing during shutdown
/// unless configured. Also logs unhandled messages at debug level when <see cref="ActorSystemSettings.DebugUnhandled"/> is on.
/// </summary>
internal sealed class DeadLetterListener : ActorBase
{
    private readonly ActorSystemSettings _settings;
    private readonly ILoggingAdapter _log;
    private int _count;
    private long _silentUntilTimestamp;

    public DeadLetterListener()
    {
        _settings = Context.System.Settings;
        _log = Context.GetLogger();
    }

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe<DeadLetter>(Self);
        Context.System.EventStream.Subscribe<Dropped>(Self);
        if (_settings.DebugUnhandled) Context.System.EventStream.Subscribe<UnhandledMessage>(Self);
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case AllDeadLetters dead:
                LogDeadLetter(dead);
                return true;
            case UnhandledMessage unhandled:
                _log.Debug("Unhandled message from {0} to {1}: {2}", unhandled.Sender.Path, unhandled.Recipient.Path, unhandled.Message);
                return true;
            default:
                return false;
        }
    }

    private void LogDeadLetter(AllDeadLetters dead)
    {
        if (_settings.LogDeadLetters <= 0) return;
        if (!_settings.LogDeadLettersDuringShutdown && ((Internal.ActorSystemImpl)Context.System).IsTerminating) return;
        TimeProvider time = _settings.TimeProvider;
        long now = time.GetTimestamp();
        if (now < _silentUntilTimestamp) return;
        _count++;
        string tail = _count < _settings.LogDeadLetters
            ? ""
            : $", no more dead letters will be logged in the next {_settings.LogDeadLettersSuspendDuration}";
        _log.Info("Message [{0}] from {1} to {2} was not delivered. [{3}] dead letters encountered{4}.",
            dead.Message.GetType().Name, dead.Sender.Path, dead.Recipient.Path, _count, tail);
        if (_count >= _settings.LogDeadLetters)
        {
            _count = 0;
            _silentUntilTimestamp = now + (long)(_settings.LogDeadLettersSuspendDuration.TotalSeconds * time.TimestampFrequency);
        }
    }
}
