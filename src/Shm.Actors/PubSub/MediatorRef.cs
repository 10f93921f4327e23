using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace Shm.Actors.PubSub;

/// <summary>
/// The mediator as users get it: a <c>Publish</c> (or <c>SendToAll</c>) told to it is serialized and written into the
/// ring on the caller's thread, so publishing is never queued behind one actor; everything else goes to the mediator
/// actor. Its path is the actor's, so a ref to it that travelled resolves to the actor (which publishes the same way).
/// </summary>
internal sealed class MediatorRef(ShmPubSub owner, IActorRef actor) : MinimalActorRef
{
    public override ActorPath Path => actor.Path;

    public override IActorRefProvider Provider => owner.System.Provider;

    protected override void TellInternal(object message, IActorRef sender)
    {
        switch (message)
        {
            case Publish { SendOneMessageToEachGroup: false } publish:
                owner.Publish(publish.Topic, publish.Message, sender);
                break;
            case SendToAll sendToAll:
                owner.Publish(ShmPubSub.PathTopicPrefix + sendToAll.Path, sendToAll.Message, sender, sendToAll.ExcludeSelf);
                break;
            default:
                actor.Tell(message, sender);
                break;
        }
    }
}
