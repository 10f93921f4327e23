using Shm.Actors.Internal;

namespace Shm.Actors.Event;

/// <summary>
/// Watches event-stream subscribers and unsubscribes them when they stop. It is a bare ref, not an actor: the death
/// notification is handled on the thread of the stopping actor, which only takes the event stream's lock briefly.
/// </summary>
internal sealed class EventStreamUnsubscriber(ActorPath path, EventStream eventStream) : MinimalActorRef
{
    public override ActorPath Path { get; } = path;

    /// <summary>Starts watching; false when the subscriber is already dead (the caller then removes it).</summary>
    public bool Watch(IActorRef subscriber)
    {
        if (subscriber is not InternalActorRef target) return true;
        if (target.IsTerminated) return false;
        target.SendSystemMessage(new Internal.Watch(target, this));
        return true;
    }

    public void Unwatch(IActorRef subscriber)
    {
        if (subscriber is InternalActorRef target) target.SendSystemMessage(new Internal.Unwatch(target, this));
    }

    public override void SendSystemMessage(SystemMessage message)
    {
        if (message is DeathWatchNotification dead) eventStream.Unsubscribe(dead.Actor);
    }
}
