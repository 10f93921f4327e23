namespace Shm.Actors.Dispatch;

/// <summary>
/// Creates the user-message queue of each actor that uses it. Register instances in
/// <see cref="ActorSystemSettings.WithMailbox"/> and select one with <see cref="Props.WithMailbox"/>; a custom queue (priority,
/// bounded, instrumented) is a subclass of this. Instances are shared by every actor of the system and must be thread-safe.
/// </summary>
public abstract class MailboxType
{
    /// <summary>Creates the queue for <paramref name="owner"/>. Called once per actor incarnation chain (a restart keeps the queue).</summary>
    /// <param name="owner">The actor that will consume the queue.</param>
    /// <param name="system">The system the actor belongs to.</param>
    public abstract IMessageQueue Create(IActorRef owner, ActorSystem system);
}
