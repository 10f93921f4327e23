namespace Shm.Transport.Spi;

/// <summary>Why an association ended (Akka's <c>DisassociateInfo</c>).</summary>
public enum DisassociateInfo
{
    /// <summary>No reason known: for the shm driver, the other process exited without leaving (a crash or a kill).</summary>
    Unknown,

    /// <summary>The other side shut down cleanly.</summary>
    Shutdown,

    /// <summary>The other side was quarantined (its incarnation is refused from now on).</summary>
    Quarantined,
}

/// <summary>Receives the events of a driver's binding: inbound associations.</summary>
public interface IAssociationEventListener
{
    /// <summary>Called by the driver; must not block.</summary>
    void Notify(IAssociationEvent associationEvent);
}

/// <summary>An event of a driver's binding.</summary>
public interface IAssociationEvent;

/// <summary>Another node opened an association to this one.</summary>
/// <param name="Handle">The link; put a listener into its ReadHandlerSource to receive its payloads.</param>
public sealed record InboundAssociation(AssociationHandle Handle) : IAssociationEvent;

/// <summary>Receives the events of one association.</summary>
public interface IHandleEventListener
{
    /// <summary>Called by the driver; payloads one at a time, in order; <see cref="Disassociated"/> may come from another thread. Must not block.</summary>
    void Notify(IHandleEvent handleEvent);
}

/// <summary>An event of one association.</summary>
public interface IHandleEvent;

/// <summary>
/// A payload arrived. Its bytes, and this object itself, are only valid during the Notify call: the driver reuses both
/// (no allocation per message). Copy what must outlive the call.
/// </summary>
public sealed class InboundPayload : IHandleEvent
{
    /// <summary>The payload's bytes (valid during Notify only).</summary>
    public ReadOnlyMemory<byte> Payload { get; internal set; }
}

/// <summary>The association ended.</summary>
/// <param name="Info">Why.</param>
public sealed record Disassociated(DisassociateInfo Info) : IHandleEvent;

/// <summary>The driver hit an error it could not hide (the association may go on).</summary>
/// <param name="Message">What happened.</param>
/// <param name="Cause">The error, if any.</param>
public sealed record UnderlyingTransportError(string Message, Exception? Cause) : IHandleEvent;
