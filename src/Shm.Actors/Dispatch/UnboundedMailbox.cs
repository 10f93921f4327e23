namespace Shm.Actors.Dispatch;

/// <summary>The default mailbox type: an <see cref="UnboundedMessageQueue"/> per actor.</summary>
public sealed class UnboundedMailbox : MailboxType, IProducesMessageQueue<UnboundedMessageQueue>
{
    /// <inheritdoc />
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new UnboundedMessageQueue();
}
