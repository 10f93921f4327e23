namespace Shm.Actors;

/// <summary>Implement on an actor to get an <see cref="ITimerScheduler"/>; the runtime sets <see cref="Timers"/> before the constructor body runs.</summary>
public interface IWithTimers
{
    /// <summary>The actor's timers (set by the runtime).</summary>
    ITimerScheduler Timers { get; set; }
}
