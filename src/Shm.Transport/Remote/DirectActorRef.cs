using Akka.Actor;
using Akka.Dispatch.SysMsg;
using Akka.Remote;
using Shm.Node;

namespace Shm.Transport.Remote;

/// <summary>
/// A ref to an actor of another shm node of this box, handed out by <see cref="ShmRemoteActorRefProvider"/>: a
/// <c>Tell</c> is serialized with Akka's serialization and written straight into that node's inbox ring (one
/// lock-free enqueue for a short message), whose reader delivers it to the recipient; Akka.Remote's endpoint pipeline is
/// not involved. System messages (DeathWatch, supervision) take the same ordered link, so a <c>Terminated</c> follows
/// every message the dead actor sent before it. Watches are still intercepted by the remote watcher, as Akka's ref does.
/// </summary>
internal sealed class DirectActorRef : RemoteActorRef
{
    private readonly DirectPath _direct;
    private FoundLink? _found; // the link found last, and the driver's handles version it is good for: one object, so
                               // senders on several threads never pair one lookup's link with another's version

    private Primitives.ShmByteQueue? _ring;
    private bool _ringLookedUp;

    public DirectActorRef(DirectPath direct, RemoteTransport remote, Address localAddressToUse, ActorPath path)
        : base(remote, localAddressToUse, path, ActorRefs.Nobody, Props.None, Deploy.None)
    {
        _direct = direct;
        Node = path.Address.Host!;
        RecipientUtf8 = System.Text.Encoding.UTF8.GetBytes(path.ToSerializationFormat());
    }

    /// <summary>The node the actor lives on (the host of its address).</summary>
    public string Node { get; }

    /// <summary>The recipient field of every envelope to this actor: its full path with uid, UTF-8 (made once).</summary>
    public byte[] RecipientUtf8 { get; }

    /// <summary>The link to the actor's node now, or null when the node is not up (found again only after a node left).</summary>
    public NodeLink? Link(SharedMemoryTransport transport)
    {
        int version = transport.HandlesVersion;
        FoundLink? found = Volatile.Read(ref _found);
        if (found is null || found.Version != version || found.Link is null)
            Volatile.Write(ref _found, found = new FoundLink(transport.LinkTo(Node), version));
        return found.Link;
    }

    private sealed record FoundLink(NodeLink? Link, int Version);

    /// <summary>
    /// The actor's shm mailbox ring, if it had one when this ref first sent: messages then go straight into it (where
    /// they wait even while its node is down). Looked up once while the node is up, so every message of this ref takes
    /// the same way (see <see cref="MailboxRingWhileNodeDown"/> for the one change of way).
    /// </summary>
    public Primitives.ShmByteQueue? MailboxRing(DirectPath direct)
    {
        if (!Volatile.Read(ref _ringLookedUp))
        {
            _ring = direct.MailboxRingOf(Path);
            Volatile.Write(ref _ringLookedUp, true);
        }
        return _ring;
    }

    /// <summary>
    /// The actor's shm mailbox ring looked up again, for a message that cannot take the node's inbox because the node is
    /// down: a ref that first sent before the actor had its ring (so its messages went through the inbox) switches to
    /// the ring, which holds them for the replacement. Nothing of this ref is still on its way through the dead node's
    /// inbox (that inbox is dropped), so switching now cannot reorder its messages.
    /// </summary>
    public Primitives.ShmByteQueue? MailboxRingWhileNodeDown(DirectPath direct)
    {
        if (_ring is null && direct.MailboxRingOf(Path) is { } ring)
        {
            _ring = ring;
            Volatile.Write(ref _ringLookedUp, true);
        }
        return _ring;
    }

    /// <inheritdoc />
    protected override void TellInternal(object message, IActorRef sender) => _direct.Send(this, message, sender);

    /// <inheritdoc />
    public override void SendSystemMessage(ISystemMessage message)
    {
        // A watch between a local watcher and this remote watchee goes to the remote watcher (heartbeats, address
        // terminated), exactly as Akka's own ref sends it; the watch the remote watcher then sends comes back here.
        if (message is Watch watch && IsWatchIntercepted(watch.Watchee, watch.Watcher)
            || message is Unwatch unwatch && IsWatchIntercepted(unwatch.Watchee, unwatch.Watcher))
        {
            base.SendSystemMessage(message);
            return;
        }
        _direct.Send(this, message, ActorRefs.NoSender);
    }
}
