namespace Shm.Actors.Internal;

internal sealed partial class ActorCell
{
    private TimeSpan? _receiveTimeout;
    private ITimer? _receiveTimeoutTimer;
    private long _lastActivityTimestamp;

    public TimeSpan? ReceiveTimeout => _receiveTimeout;

    public void SetReceiveTimeout(TimeSpan? timeout)
    {
        if (timeout is { } t && t <= TimeSpan.Zero) timeout = null;
        _receiveTimeout = timeout;
        if (timeout is null) ClearReceiveTimeout();
        else RestartReceiveTimeout();
    }

    /// <summary>Activity: the idle clock starts again (called after every message that influences the timeout).</summary>
    private void RestartReceiveTimeout()
    {
        TimeSpan timeout = _receiveTimeout!.Value;
        TimeProvider time = System.Settings.TimeProvider;
        _lastActivityTimestamp = time.GetTimestamp();
        if (_receiveTimeoutTimer is null)
        {
            // The callback only enqueues; the decision whether the actor really was idle is taken on its own turn.
            _receiveTimeoutTimer = time.CreateTimer(
                static state => ((ActorCell)state!).Mailbox.Post(((ActorCell)state).SelfRef, new Dispatch.Envelope(Actors.ReceiveTimeout.Instance, null)),
                this, timeout, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _receiveTimeoutTimer.Change(timeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void ClearReceiveTimeout()
    {
        _receiveTimeout = null;
        _receiveTimeoutTimer?.Dispose();
        _receiveTimeoutTimer = null;
    }

    /// <summary>
    /// A ReceiveTimeout reached the head of the mailbox. The timer may have fired just as a message arrived, so deliver it
    /// only if the actor really was idle for the whole timeout; then arm the timer again, so it repeats while idle.
    /// </summary>
    private void ReceiveTimeoutArrived()
    {
        if (_receiveTimeout is not { } timeout) return;
        TimeSpan idle = System.Settings.TimeProvider.GetElapsedTime(_lastActivityTimestamp);
        if (idle < timeout)
        {
            _receiveTimeoutTimer?.Change(timeout - idle, Timeout.InfiniteTimeSpan);
            return;
        }
        ReceiveMessage(Actors.ReceiveTimeout.Instance);
        if (_receiveTimeout is not null) RestartReceiveTimeout();
    }
}
