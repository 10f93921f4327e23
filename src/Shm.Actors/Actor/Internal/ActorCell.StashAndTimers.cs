namespace Shm.Actors.Internal;

internal sealed partial class ActorCell
{
    // Created on first use: most actors have neither a stash nor timers.
    private UnboundedStash? _stash;
    private TimerScheduler? _timers;
    private bool _currentStashed;

    public IStash Stash => _stash ??= new UnboundedStash(this);

    public ITimerScheduler Timers => _timers ??= new TimerScheduler(this);

    public IActorRef? CurrentSender => _currentSender;

    public bool CurrentMessageStashed
    {
        get => _currentStashed;
        set => _currentStashed = value;
    }
}
