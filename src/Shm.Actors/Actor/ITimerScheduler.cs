namespace Shm.Actors;

/// <summary>
/// Timers owned by one actor (see <see cref="IWithTimers"/>). Use only from the actor itself. Each timer has a key;
/// starting a timer with a key in use cancels the old one, and a cancelled timer's message is never received, even if it
/// was already queued. All timers are cancelled when the actor restarts or stops.
/// </summary>
public interface ITimerScheduler
{
    /// <summary>Sends <paramref name="msg"/> to the actor once, after <paramref name="timeout"/>.</summary>
    void StartSingleTimer(object key, object msg, TimeSpan timeout, IActorRef? sender = null);

    /// <summary>Sends <paramref name="msg"/> to the actor every <paramref name="interval"/>, the first time after one interval.</summary>
    void StartPeriodicTimer(object key, object msg, TimeSpan interval, IActorRef? sender = null);

    /// <summary>Sends <paramref name="msg"/> to the actor after <paramref name="initialDelay"/>, then every <paramref name="interval"/>.</summary>
    void StartPeriodicTimer(object key, object msg, TimeSpan initialDelay, TimeSpan interval, IActorRef? sender = null);

    /// <summary>True while the timer with <paramref name="key"/> may still deliver its message.</summary>
    bool IsTimerActive(object key);

    /// <summary>Cancels the timer with <paramref name="key"/>, if any.</summary>
    void Cancel(object key);

    /// <summary>Cancels every timer.</summary>
    void CancelAll();
}
