namespace Shm.Actors.Internal;

/// <summary>A ref with no mailbox and no cell: handles what it is sent on the caller's thread.</summary>
internal abstract class MinimalActorRef : InternalActorRef
{
    public override void Tell(object message, IActorRef? sender) { }

    public override void SendSystemMessage(SystemMessage message) { }
}
