namespace Shm.Actors.Dispatch;

/// <summary>
/// A mailbox type whose queues deliver messages by priority: override <see cref="PriorityGenerator"/> (lower numbers first;
/// equal priorities keep their arrival order). Register an instance with <see cref="ActorSystemSettings.WithMailbox"/>.
/// </summary>
/// <example><code>
/// sealed class UrgentFirst : UnboundedPriorityMailbox
/// {
///     protected override int PriorityGenerator(object message) => message is Urgent ? 0 : 1;
/// }
/// var settings = ActorSystemSettings.Default.WithMailbox("urgent-first", new UrgentFirst());
/// </code></example>
public abstract class UnboundedPriorityMailbox : MailboxType, IProducesMessageQueue<UnboundedPriorityMessageQueue>
{
    /// <summary>The priority of <paramref name="message"/>: lower is delivered first. Called on the sender's thread.</summary>
    protected abstract int PriorityGenerator(object message);

    /// <inheritdoc />
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new UnboundedPriorityMessageQueue(PriorityGenerator);
}
