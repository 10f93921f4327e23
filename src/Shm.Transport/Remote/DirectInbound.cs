using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Akka.Actor;
using Akka.Dispatch.SysMsg;
using Akka.Event;
using Akka.Remote;
using Shm.Primitives;

namespace Shm.Transport.Remote;

/// <summary>
/// The receiving half of the direct path, on the inbox reader's thread (and an shm mailbox's turns, each with its own):
/// resolves an envelope's recipient and sender (cached by their bytes: the same few paths arrive millions of times),
/// deserializes the message with the serializer the sender named and delivers it, a system message as a system
/// message, an ask with its response slot as the sender. A malformed envelope is dropped and counted; one that does
/// not deserialize is logged and dropped, as Akka.Remote's reader does.
/// </summary>
internal sealed class DirectInbound
{
    private const int CachedPaths = 4096;
    private const int LoggedFailures = 10;

    private readonly ExtendedActorSystem _system;
    private readonly Address _localAddress;
    private readonly Utf8KeyCache<IInternalActorRef> _recipients = new(CachedPaths);
    private readonly Utf8KeyCache<IActorRef> _senders = new(CachedPaths);
    private readonly Utf8KeyCache<string> _manifests = new(CachedPaths);
    // A resolved ref stays cached while its actor lives: one stopped and recreated under the same uid-less path is
    // resolved again (Akka marks IsTerminated obsolete for user code; a ref cache is what it is still for).
#pragma warning disable CS0618
    private readonly Func<IInternalActorRef, bool> _live = static actor => !actor.IsTerminated;
    private readonly Func<IActorRef, bool> _liveSender = static actor => actor is not IInternalActorRef { IsTerminated: true };
#pragma warning restore CS0618
    private readonly ResponseSlots? _slots; // asks arrive only in an inbox: a mailbox ring's reader has none
    private long _undeliverable;

    public DirectInbound(ExtendedActorSystem system, Address localAddress, ResponseSlots? slots = null)
    {
        _system = system;
        _localAddress = localAddress;
        _slots = slots;
    }

    /// <summary>Envelopes that could not be delivered (malformed, or the message did not deserialize).</summary>
    public long Undeliverable => Interlocked.Read(ref _undeliverable);

    /// <summary>Delivers one direct frame; false when it is malformed (the caller counts it as corrupt).</summary>
    public bool Deliver(ReadOnlySpan<byte> frame)
    {
        if (!DirectEnvelope.TryRead(frame, out ReadOnlySpan<byte> envelope, out EnvelopeView view))
            return false;
        if (view.Kind == EnvelopeFormat.AskRequest)
        {
            Ask(envelope, view);
            return true;
        }
        if (!TryRead(envelope, view, out IInternalActorRef recipient, out object? message))
            return true;
        if (view.Kind == EnvelopeFormat.SystemMessage)
        {
            if (message is ISystemMessage systemMessage)
                recipient.SendSystemMessage(systemMessage);
            else
                Interlocked.Increment(ref _undeliverable);
            return true;
        }
        recipient.Tell(message, SenderOf(envelope, view));
        return true;
    }

    /// <summary>The sender of a validated user-message envelope, resolved (cached) from its path; no sender when it has none.</summary>
    public IActorRef SenderOf(ReadOnlySpan<byte> envelope, in EnvelopeView view) =>
        view.SenderLength == 0
            ? ActorRefs.NoSender!
            : _senders.GetOrAdd(envelope.Slice(view.SenderOffset, view.SenderLength), static (path, self) => self.Resolve(path), this, _liveSender);

    /// <summary>
    /// An ask from another node: its response slot is taken by this node, and the message is told with that slot's
    /// <see cref="ResponseSlotRef"/> as the sender. One whose asker gave up already is not delivered; one that does not
    /// deserialize is answered with a <see cref="Status.Failure"/>, so its asker does not wait for its timeout.
    /// </summary>
    private void Ask(ReadOnlySpan<byte> envelope, in EnvelopeView view)
    {
        var id = new RequestId(BinaryPrimitives.ReadUInt64LittleEndian(envelope.Slice(view.SenderOffset, EnvelopeFormat.AskRequestIdBytes)));
        if (_slots is null || !_slots.TryAccept(id))
            return; // its asker gave up meanwhile (or the id is not one of this node's slots)
        ResponseSlotRef replyTo = _slots.For(id);
        if (TryRead(envelope, view, out IInternalActorRef recipient, out object? message))
            recipient.Tell(message, replyTo);
        else
            replyTo.Tell(new Status.Failure(new System.Runtime.Serialization.SerializationException(
                $"The ask to {recipient.Path} could not be deserialized by the target node (serializer {view.SerializerId}).")), ActorRefs.NoSender);
    }

    /// <summary>
    /// The recipient and the message of a validated envelope; false when the message does not deserialize (counted,
    /// and logged the first few times).
    /// </summary>
    public bool TryRead(ReadOnlySpan<byte> envelope, in EnvelopeView view, out IInternalActorRef recipient, [NotNullWhen(true)] out object? message)
    {
        recipient = _recipients.GetOrAdd(envelope.Slice(view.RecipientOffset, view.RecipientLength), static (path, self) => self.Resolve(path), this, _live);
        return TryReadMessage(envelope, view, recipient, out message);
    }

    /// <summary>
    /// The message of a validated envelope, deserialized with the serializer and manifest it names; false when it does
    /// not deserialize (counted, and logged the first few times naming <paramref name="destination"/>: a ref or a topic).
    /// </summary>
    public bool TryReadMessage(ReadOnlySpan<byte> envelope, in EnvelopeView view, object destination, [NotNullWhen(true)] out object? message)
    {
        string manifest = view.ManifestLength == 0 ? "" : _manifests.GetOrAdd(envelope.Slice(view.ManifestOffset, view.ManifestLength), static (text, _) => text, 0);
        try
        {
            message = _system.Serialization.Deserialize(envelope[view.PayloadOffset..].ToArray(), view.SerializerId, manifest);
        }
        catch (Exception error)
        {
            message = null;
            if (Interlocked.Increment(ref _undeliverable) <= LoggedFailures)
                _system.Log.Warning(error, "Dropped a message for {0}: serializer {1} (manifest '{2}') could not read it: {3}",
                    destination, view.SerializerId, manifest, error.Message);
            return false;
        }
        if (message is null)
            Interlocked.Increment(ref _undeliverable);
        return message is not null;
    }

    private IInternalActorRef Resolve(string path) =>
        _system.Provider is Akka.Remote.RemoteActorRefProvider remote
            ? remote.ResolveActorRefWithLocalAddress(path, _localAddress)
            : (IInternalActorRef)_system.Provider.ResolveActorRef(path); // a system without remoting (shm topics)
}
