using Shm.Actors;

namespace Shm.Transport.Spi;

/// <summary>
/// A transport driver in the shape of Akka.Remote's <c>Transport</c> (classic remoting's one plug-in point): it binds a
/// local address, opens associations (duplex links) to remote addresses and reports inbound ones, and moves opaque
/// payloads. It does no handshake, heartbeat or serialization: the layer above does (see the shm driver's remoting
/// layer), so another driver, or an adapter to Akka.NET, plugs in below without touching it.
/// </summary>
public abstract class TransportDriver
{
    /// <summary>The address scheme this driver serves (<c>shm</c>).</summary>
    public abstract string SchemeIdentifier { get; }

    /// <summary>The largest payload <see cref="AssociationHandle.Write"/> accepts; larger ones are refused by the layer above.</summary>
    public abstract long MaximumPayloadBytes { get; }

    /// <summary>
    /// Binds this node. Returns the bound address and a promise the caller completes with its listener; until then no
    /// inbound association or payload is delivered (they wait, in order).
    /// </summary>
    public abstract Task<(Address Bound, TaskCompletionSource<IAssociationEventListener> ListenerPromise)> Listen();

    /// <summary>Whether this driver can reach <paramref name="remote"/> at all.</summary>
    public abstract bool IsResponsibleFor(Address remote);

    /// <summary>Opens (or returns the open) association to <paramref name="remote"/>.</summary>
    /// <exception cref="InvalidAssociationException">The remote address is not reachable now (e.g. no such node is up).</exception>
    public abstract Task<AssociationHandle> Associate(Address remote);

    /// <summary>Closes every association and releases the binding. True when everything was flushed.</summary>
    public abstract Task<bool> Shutdown();
}

/// <summary>An association cannot be made (permanently, for this attempt): Akka's <c>InvalidAssociationException</c>.</summary>
public sealed class InvalidAssociationException(string message) : Exception(message);
