namespace Shm.Node;

/// <summary>Why a <see cref="NodeLink"/> ended.</summary>
internal enum NodeDeparture
{
    /// <summary>The peer's process died (its pidfd said so) or a new incarnation of it replaced this one.</summary>
    Died,

    /// <summary>The peer left the directory, or this node stopped.</summary>
    Left,
}
