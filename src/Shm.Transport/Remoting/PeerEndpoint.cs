using Shm.Transport.Spi;

namespace Shm.Transport.Remoting;

/// <summary>The remoting layer's side of one association: dispatches its payloads, and reports its end.</summary>
internal sealed class PeerEndpoint(ShmTransportNode node, AssociationHandle handle) : IHandleEventListener
{
    private int _state; // 0 associated, 1 up (handshake seen), 2 down

    public AssociationHandle Handle => handle;

    /// <summary>The peer's incarnation, from its handshake (0 before).</summary>
    public long Incarnation { get; private set; }

    public bool IsUp => Volatile.Read(ref _state) == 1;

    public bool MarkUp(long incarnation)
    {
        Incarnation = incarnation;
        return Interlocked.CompareExchange(ref _state, 1, 0) == 0;
    }

    /// <summary>True the first time, and only if the peer had been reported up.</summary>
    public bool MarkDown() => Interlocked.Exchange(ref _state, 2) == 1;

    public void Notify(IHandleEvent handleEvent)
    {
        switch (handleEvent)
        {
            case InboundPayload payload:
                node.Dispatch(this, payload.Payload.Span);
                break;
            case Disassociated disassociated:
                node.OnPeerDown(this, died: disassociated.Info == DisassociateInfo.Unknown);
                break;
        }
    }
}
