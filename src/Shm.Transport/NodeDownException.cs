using Shm.Actors;

namespace Shm.Transport;

/// <summary>
/// An Ask failed because the node of its target is down: it died or left while the ask was pending (reported within
/// 100 ms of a kill -9, not at the ask's timeout), or it was not up when the ask was made.
/// </summary>
public sealed class NodeDownException : Exception
{
    /// <summary>Creates the exception for the node at <paramref name="node"/>.</summary>
    public NodeDownException(Address node, string message, Exception? innerException = null)
        : base(message, innerException) => Node = node;

    /// <summary>The address of the node that is down.</summary>
    public Address Node { get; }
}
