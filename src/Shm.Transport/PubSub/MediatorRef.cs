using Shm.Actors;
using Shm.Actors.Internal;

namespace Shm.Transport.PubSub;

/// <summary>
/// The ref <see cref="DistributedPubSub.Mediator"/> hands out: the mediator actor's own path and uid (so it equals,
/// serializes and resolves as that actor), except that a <see cref="Publish"/> told to it is published on the caller's
/// thread instead of waiting in the actor's mailbox. That keeps the publish path free of a hop through one actor, and
/// it is what makes a Backpressure topic slow the publisher itself rather than grow the mediator's mailbox.
/// </summary>
internal sealed class MediatorRef(InternalActorRef actor, DistributedPubSub owner) : InternalActorRef, IWrappedActorRef
{
    public override ActorPath Path => actor.Path;

    public IActorRef Underlying => actor;

    public override InternalActorRef? Parent => actor.Parent;

    public override bool IsTerminated => actor.IsTerminated;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is Publish publish)
            owner.Publish(publish.Topic, publish.Message, sender);
        else
            actor.Tell(message, sender);
    }

    public override void SendSystemMessage(SystemMessage message) => actor.SendSystemMessage(message);

    public override void Stop() => actor.Stop();
}
