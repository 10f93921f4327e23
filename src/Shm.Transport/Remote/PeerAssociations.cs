using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Remote.Transport;
using Shm.Node;

namespace Shm.Transport.Remote;

/// <summary>
/// The Akka associations between this node and one incarnation of another: they share the node link to it (one ring
/// each way, see <see cref="LinkFrame"/>). It reads that link's frames (on the inbox reader's thread) and routes each to
/// its association; an Open from the peer becomes an inbound association for Akka. When the peer's process dies or
/// leaves, every association hears Disassociated at once.
/// </summary>
internal sealed class PeerAssociations : INodeLinkListener
{
    private readonly SharedMemoryTransport _transport;
    private readonly NodeLink _link;
    private readonly ConcurrentDictionary<long, SharedMemoryAssociationHandle> _open = new();
    private int _lastNumber;
    private volatile bool _down;

    public PeerAssociations(SharedMemoryTransport transport, NodeLink link, Address local, Address remote)
    {
        _transport = transport;
        _link = link;
        LocalAddress = local;
        RemoteAddress = remote;
    }

    /// <summary>This node's address.</summary>
    public Address LocalAddress { get; }

    /// <summary>The peer's address.</summary>
    public Address RemoteAddress { get; }

    /// <summary>The peer's node incarnation, as the node directory lists it.</summary>
    public Shm.Node.Membership.NodeEntry Peer => _link.Peer;

    /// <summary>The largest payload an association to this peer writes.</summary>
    public long MaximumPayloadBytes => _transport.MaximumPayloadBytes;

    /// <summary>Opens an association to the peer (Akka's Associate).</summary>
    /// <exception cref="InvalidAssociationException">The peer went down, or its link refused the Open.</exception>
    public SharedMemoryAssociationHandle Open()
    {
        int number = Interlocked.Increment(ref _lastNumber);
        var handle = new SharedMemoryAssociationHandle(LocalAddress, RemoteAddress, this, openedHere: true, number);
        _open[Key(true, number)] = handle;
        // Down is checked after registering: a peer that went down before sees this handle in the sweep of Notify or
        // this check, never neither.
        if (!_down && Send(LinkFrameKind.Open, handle, default) && !_down)
            return handle;
        _open.TryRemove(Key(true, number), out _);
        throw new InvalidAssociationException($"Node {RemoteAddress.Host} went down while {LocalAddress.Host} associated with it.");
    }

    /// <summary>Writes a frame of <paramref name="handle"/>'s association to the peer.</summary>
    public bool Send(LinkFrameKind kind, SharedMemoryAssociationHandle handle, ReadOnlySpan<byte> payload) =>
        LinkFrame.Send(_link, kind, handle.OpenedHere, handle.Number, payload);

    /// <summary>An association was closed on this side: forgotten, and the peer told when <paramref name="tellPeer"/>.</summary>
    public void Closed(SharedMemoryAssociationHandle handle, bool tellPeer)
    {
        if (_open.TryRemove(Key(handle.OpenedHere, handle.Number), out _) && tellPeer && !_down)
            Send(LinkFrameKind.Close, handle, default);
    }

    /// <summary>A frame from the peer.</summary>
    public void OnMessage(ReadOnlySpan<byte> frame) => Receive(frame);

    /// <summary>The end of the peer's link: every association hears Disassociated.</summary>
    public void OnClosed(NodeDeparture reason)
    {
        _down = true;
        _transport.PeerDown(this, reason == NodeDeparture.Died);
        DisassociateInfo info = reason == NodeDeparture.Left ? DisassociateInfo.Shutdown : DisassociateInfo.Unknown;
        foreach (long key in _open.Keys)
        {
            if (_open.TryRemove(key, out SharedMemoryAssociationHandle? handle))
                handle.Close(info);
        }
    }

    private void Receive(ReadOnlySpan<byte> frame)
    {
        if (LinkFrame.KindOf(frame) == LinkFrameKind.Envelope)
        {
            _transport.DeliverDirect(frame);
            return;
        }
        if (!LinkFrame.TryRead(frame, out LinkFrameKind kind, out bool openedHere, out int number, out ReadOnlySpan<byte> payload))
        {
            _transport.CountCorrupt();
            return;
        }
        long key = Key(openedHere, number);
        switch (kind)
        {
            case LinkFrameKind.Payload:
                // One for an association already closed here is late, not corrupt (Akka wrote it before it heard).
                if (_open.TryGetValue(key, out SharedMemoryAssociationHandle? handle))
                    handle.Deliver(payload);
                break;
            case LinkFrameKind.Open:
                var inbound = new SharedMemoryAssociationHandle(LocalAddress, RemoteAddress, this, openedHere: false, number);
                if (_open.TryAdd(key, inbound))
                    _transport.Offer(inbound);
                else
                    _transport.CountCorrupt(); // the peer opened the same number twice
                break;
            case LinkFrameKind.Close:
                if (_open.TryRemove(key, out SharedMemoryAssociationHandle? closed))
                    closed.Close(DisassociateInfo.Unknown);
                break;
        }
    }

    private static long Key(bool openedHere, int number) => ((long)number << 1) | (openedHere ? 1L : 0L);
}
