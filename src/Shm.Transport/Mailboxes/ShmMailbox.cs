using Shm.Actors;
using Shm.Actors.Dispatch;

namespace Shm.Transport.Mailboxes;

/// <summary>
/// The shared-memory mailbox: an actor deployed with it (<c>Props.WithMailbox(ShmMailbox.Id)</c>) gets its own named
/// ring (a <see cref="Primitives.ShmByteQueue"/>) as its mailbox. Senders in any process write straight into it (a
/// remote Tell bypasses the node inbox), and what it holds survives the crash of the process that owns the actor: when
/// the actor is created again at the same path it continues with the messages still in the ring.
/// </summary>
/// <remarks>
/// <para><b>Delivery guarantee.</b> Every message that entered the ring is processed at most once, in the order it
/// entered. A kill of the owning process loses at most one message: the one the actor had taken from the ring and not
/// finished (the dispatcher takes one message at a time). Messages that arrive while no actor runs at the path wait in
/// the ring. Messages are serialized even between actors of one process (they must be serializable), except the
/// runtime's own PoisonPill, Kill and Identify: those are kept in the owner's process, with their place in line marked in
/// the ring, and do not survive it.</para>
/// <para>Stopping the actor leaves its messages in the ring for the next actor at that path (unlike Akka's mailboxes,
/// whose leftovers become dead letters); a full ring turns further messages into dead letters.</para>
/// </remarks>
public sealed class ShmMailbox : MailboxType
{
    /// <summary>The id <see cref="ShmTransportSettings.WithShmTransport"/> registers this mailbox under.</summary>
    public const string Id = "shm-mailbox";

    private readonly ShmTransportOptions _options;

    internal ShmMailbox(ShmTransportOptions options) => _options = options;

    /// <summary>Opens (or creates) the ring of <paramref name="owner"/>'s path and serves it as the actor's queue.</summary>
    public override IMessageQueue Create(IActorRef owner, ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(system);
        return new ShmMessageQueue(ShmTransport.NodeOf(system), owner, _options);
    }
}
