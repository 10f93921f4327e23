using Shm.Node.Membership;

namespace Shm.Node;

/// <summary>
/// This node's link to one incarnation of another node: writes go into that node's inbox ring (through the ordered,
/// bounded <see cref="OutboundLink"/>); what arrives is the messages of this node's inbox whose origin is that
/// incarnation. Until the layer above attaches its listener, what arrives waits here, in order.
/// </summary>
internal sealed class NodeLink
{
    private readonly OutboundLink _link;
    private readonly MessageCounters _counters;
    private readonly Lock _gate = new();
    private List<object>? _waiting = []; // before the listener: byte[] copies of messages, or the NodeDeparture
    private INodeLinkListener? _listener;

    public NodeLink(NodeEntry peer, OutboundLink link, MessageCounters counters)
    {
        Peer = peer;
        _link = link;
        _counters = counters;
    }

    /// <summary>The directory entry of the other node (name, incarnation, pid).</summary>
    public NodeEntry Peer { get; }

    /// <summary>Writes one message into the peer's inbox, or buffers it in order (false: the link is closed or its buffer is full).</summary>
    public bool Write(ReadOnlySpan<byte> payload)
    {
        if (!_link.Send(payload))
            return false;
        _counters.Sent(payload.Length);
        return true;
    }

    /// <summary>
    /// Sets the one listener of this link; what arrived before is replayed to it first. Returns false (and changes
    /// nothing) when another listener was attached first.
    /// </summary>
    public bool Attach(INodeLinkListener listener)
    {
        // Held under the gate so nothing overtakes the replay.
        lock (_gate)
        {
            if (_waiting is null)
                return false;
            foreach (object waiting in _waiting)
            {
                if (waiting is byte[] bytes)
                    listener.OnMessage(bytes);
                else
                    listener.OnClosed((NodeDeparture)waiting);
            }
            _waiting = null;
            Volatile.Write(ref _listener, listener);
            return true;
        }
    }

    /// <summary>The link is gone (the node died or left, or this node stops): the listener hears it once.</summary>
    public void Close(NodeDeparture reason)
    {
        _link.Dispose();
        lock (_gate)
        {
            if (_waiting is not null)
            {
                _waiting.Add(reason);
                return;
            }
        }
        _listener!.OnClosed(reason);
    }

    /// <summary>A message from this link's peer, on the inbox reader's thread.</summary>
    public void Deliver(byte[] buffer, int offset, int length)
    {
        _counters.Received(length);
        INodeLinkListener? listener = Volatile.Read(ref _listener);
        if (listener is null)
        {
            lock (_gate)
            {
                if (_waiting is not null)
                {
                    _waiting.Add(buffer.AsSpan(offset, length).ToArray());
                    return;
                }
                listener = _listener!;
            }
        }
        listener.OnMessage(new ReadOnlySpan<byte>(buffer, offset, length));
    }
}
