using Shm.Actors;

namespace Shm.Transport.Spi;

/// <summary>
/// One duplex link between this node and another (Akka.Remote's <c>AssociationHandle</c>). Payloads are opaque to it.
/// Inbound events go to the listener the owner puts into <see cref="ReadHandlerSource"/>; until then they wait, in order.
/// Equality is the address pair.
/// </summary>
public abstract class AssociationHandle : IEquatable<AssociationHandle>
{
    /// <summary>Creates a handle for the pair of addresses.</summary>
    protected AssociationHandle(Address localAddress, Address remoteAddress)
    {
        LocalAddress = localAddress;
        RemoteAddress = remoteAddress;
    }

    /// <summary>This end's address.</summary>
    public Address LocalAddress { get; }

    /// <summary>The other end's address.</summary>
    public Address RemoteAddress { get; }

    /// <summary>Completed by the owner with the listener of this handle's inbound events.</summary>
    public TaskCompletionSource<IHandleEventListener> ReadHandlerSource { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Sends a payload. Thread-safe, never blocks, keeps order. False when it was not accepted (the link is closed or
    /// saturated beyond what the driver absorbs): that payload is dropped, and the caller decides what that means.
    /// </summary>
    public abstract bool Write(ReadOnlySpan<byte> payload);

    /// <summary>Closes the link (idempotent). The other side may or may not learn why.</summary>
    public abstract void Disassociate(DisassociateInfo reason);

    /// <inheritdoc />
    public bool Equals(AssociationHandle? other) =>
        other is not null && LocalAddress.Equals(other.LocalAddress) && RemoteAddress.Equals(other.RemoteAddress);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as AssociationHandle);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(LocalAddress, RemoteAddress);
}
