using System.Collections.Concurrent;

namespace Shm.Actors.Internal;

/// <summary>
/// <see cref="IScheduler"/> on the system's <see cref="TimeProvider"/> timers (the .NET timer queue, not Akka's hashed
/// wheel: same contract, better precision). Active timers are kept here so they are not collected, and disposed at shutdown.
/// </summary>
internal sealed class TimerQueueScheduler(TimeProvider time) : IScheduler, IAdvancedScheduler
{
    private readonly ConcurrentDictionary<ITimer, byte> _active = new();
    private volatile bool _shutDown;

    public DateTimeOffset Now => time.GetUtcNow();

    public IAdvancedScheduler Advanced => this;

    public void ScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef? sender, ICancelable? cancelable = null)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        ScheduleOnce(delay, () => receiver.Tell(message, sender), cancelable);
    }

    public void ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef? sender, ICancelable? cancelable = null)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        ScheduleRepeatedly(initialDelay, interval, () => receiver.Tell(message, sender), cancelable);
    }

    public void ScheduleOnce(TimeSpan delay, Action action, ICancelable? cancelable = null) =>
        Schedule(delay, Timeout.InfiniteTimeSpan, action, cancelable, once: true);

    public void ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable? cancelable = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Schedule(initialDelay, interval, action, cancelable, once: false);
    }

    public void Shutdown()
    {
        _shutDown = true;
        foreach (ITimer timer in _active.Keys) timer.Dispose();
        _active.Clear();
    }

    private void Schedule(TimeSpan dueTime, TimeSpan period, Action action, ICancelable? cancelable, bool once)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (dueTime < TimeSpan.Zero) dueTime = TimeSpan.Zero;
        if (_shutDown || cancelable?.IsCancellationRequested == true) return;
        var state = new TimerState(this, action, cancelable, once);
        // Created stopped and started after it is registered, so a zero delay cannot fire before the bookkeeping exists.
        ITimer timer = time.CreateTimer(static s => ((TimerState)s!).Fire(), state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        state.Timer = timer;
        _active[timer] = 0;
        cancelable?.Token.Register(static s => ((TimerState)s!).Stop(), state);
        timer.Change(dueTime, period);
    }

    private sealed class TimerState(TimerQueueScheduler owner, Action action, ICancelable? cancelable, bool once)
    {
        public ITimer? Timer;

        public void Fire()
        {
            if (cancelable?.IsCancellationRequested == true) return;
            if (once) Stop();
            action();
        }

        public void Stop()
        {
            if (Timer is null) return;
            Timer.Dispose();
            owner._active.TryRemove(Timer, out _);
        }
    }
}
