namespace Shm.Node;

/// <summary>What the layer above hears from a <see cref="NodeLink"/>: its messages, in the peer's order, then its end once.</summary>
internal interface INodeLinkListener
{
    /// <summary>One message from the peer, on the inbox reader's thread; the span is valid during the call only.</summary>
    void OnMessage(ReadOnlySpan<byte> message);

    /// <summary>The link ended: nothing more arrives from this incarnation of the peer, and writes to it fail.</summary>
    void OnClosed(NodeDeparture reason);
}
