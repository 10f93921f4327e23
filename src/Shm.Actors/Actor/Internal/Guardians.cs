namespace Shm.Actors.Internal;

/// <summary>
/// <c>/</c>: parent of <c>/user</c> and <c>/system</c>; drives the ordered shutdown. When <c>/user</c> has stopped (all user
/// actors gone) it stops <c>/system</c>; when that has stopped it stops itself, which completes the system's termination.
/// </summary>
internal sealed class RootGuardianActor : ActorBase
{
    protected override void PreStart()
    {
        foreach (IActorRef child in Context.GetChildren()) Context.Watch(child);
    }

    protected override bool Receive(object message)
    {
        if (message is not Terminated terminated) return false;
        if (terminated.ActorRef.Path.Name == "user") Context.Stop(Context.Child("system"));
        else if (terminated.ActorRef.Path.Name == "system") Context.Stop(Self);
        return true;
    }

    // A failing guardian cannot be restarted meaningfully; stopping /user ends the system, as in Akka.
    protected override SupervisorStrategy SupervisorStrategy() => Actors.SupervisorStrategy.StoppingStrategy;

    // The default would stop the children; the root keeps them and is never restarted anyway.
    protected override void PreRestart(Exception reason, object? message) { }
}

/// <summary><c>/user</c> and <c>/system</c>: parents that only supervise (strategy from their props).</summary>
internal sealed class GuardianActor : ActorBase
{
    protected override bool Receive(object message) => false;
}

/// <summary>The parent of the root guardian: ends the system when the root has stopped.</summary>
internal sealed class RootGuardianSupervisor(ActorPath path, ActorSystemImpl system) : MinimalActorRef
{
    public override ActorPath Path { get; } = path;

    public override void SendSystemMessage(SystemMessage message)
    {
        switch (message)
        {
            case Failed failed:
                system.Log.Error(failed.Cause, "The root guardian failed; stopping the system: {0}", failed.Cause.Message);
                ((InternalActorRef)failed.Child).Stop();
                break;
            case DeathWatchNotification:
                system.FinishTermination();
                break;
        }
    }
}
