using Shm.Actors.Event;

namespace Shm.Actors.Internal;

/// <summary><c>/deadLetters</c>: publishes what could not be delivered on the event stream as <see cref="DeadLetter"/>s.</summary>
internal sealed class DeadLetterActorRef(ActorPath path, EventStream eventStream) : MinimalActorRef
{
    public override ActorPath Path { get; } = path;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message)
        {
            case AllDeadLetters wrapped: eventStream.Publish(wrapped); break;
            default: Deliver(message, sender, this); break;
        }
    }

    /// <summary>Publishes <paramref name="message"/> as undeliverable to <paramref name="recipient"/>.</summary>
    public void Deliver(object message, IActorRef? sender, IActorRef recipient)
    {
        IActorRef from = sender ?? ActorRefs.Nobody;
        if (message is IDeadLetterSuppression) eventStream.Publish(new SuppressedDeadLetter(message, from, recipient));
        else eventStream.Publish(new DeadLetter(message, from, recipient));
    }

    public override void SendSystemMessage(SystemMessage message)
    {
        if (message is Watch w && w.Watcher is InternalActorRef watcher)
            watcher.SendSystemMessage(new DeathWatchNotification(w.Watchee, existenceConfirmed: false, addressTerminated: false));
    }
}
