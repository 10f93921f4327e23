using Shm.Actors;
using Shm.Actors.Internal;

namespace Shm.Transport.Remoting;

/// <summary>
/// A ref to an actor of another node: <see cref="Tell"/> serializes the message once and puts it into that node's
/// inbox ring (or its outbound buffer while the ring is full). Never blocks. Comparable and hashable by path and uid
/// like every ref, so a ref that came back inside a message equals the one that was sent.
/// </summary>
internal sealed class RemoteActorRef : InternalActorRef, IAskTarget
{
    private readonly ShmTransportNode _transport;

    public RemoteActorRef(ShmTransportNode transport, ActorPath path)
    {
        _transport = transport;
        Path = path;
        Node = path.Address.Host!;
        PathInNode = path.ToStringWithoutAddress() + (path.Uid == ActorPath.UndefinedUid ? "" : "#" + path.Uid);
        PathInNodeUtf8 = System.Text.Encoding.UTF8.GetBytes(PathInNode);
    }

    public override ActorPath Path { get; }

    /// <summary>The node the actor lives on.</summary>
    public string Node { get; }

    /// <summary>The recipient field of envelopes to this actor: its path without the address, with the uid.</summary>
    public string PathInNode { get; }

    /// <summary><see cref="PathInNode"/> as written into every envelope (encoded once).</summary>
    public byte[] PathInNodeUtf8 { get; }

    public override bool IsLocal => false;

    /// <summary>The shm-mailbox ring lookup of this actor's path (set on the first Tell).</summary>
    internal ShmTransportNode.MailboxRingLink? MailboxLink { get; set; }

    /// <summary>The node's last lookup of this ref's peer (see ShmTransportNode.PeerOf).</summary>
    internal ShmTransportNode.PeerLookup? Peer { get; set; }

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        _transport.Send(this, message, sender);
    }

    public override void SendSystemMessage(SystemMessage message) => _transport.SendSystemMessage(this, message);

    /// <summary>Asks over the target node's ask channel (see ShmTransportNode.Ask).</summary>
    public Task<T> Ask<T>(object message, TimeSpan? timeout, CancellationToken cancellationToken) =>
        _transport.Ask<T>(this, message, timeout, cancellationToken);
}
