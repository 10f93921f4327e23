using Akka.Actor;
using Akka.Dispatch.SysMsg;
using Akka.Event;
using Akka.Remote;
using Shm.Transport.Remoting;

namespace Shm.Transport.Remote;

/// <summary>
/// The receiving half of the direct path, on the inbox reader's thread: resolves an envelope's recipient and sender
/// (cached by their bytes: the same few paths arrive millions of times), deserializes the message with the serializer
/// the sender named and delivers it, a system message as a system message. A malformed envelope is dropped and counted;
/// one that does not deserialize is logged and dropped, as Akka.Remote's reader does.
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
    private long _undeliverable;

    public DirectInbound(ExtendedActorSystem system, Address localAddress)
    {
        _system = system;
        _localAddress = localAddress;
    }

    /// <summary>Envelopes that could not be delivered (malformed, or the message did not deserialize).</summary>
    public long Undeliverable => Interlocked.Read(ref _undeliverable);

    /// <summary>Delivers one direct frame; false when it is malformed (the caller counts it as corrupt).</summary>
    public bool Deliver(ReadOnlySpan<byte> frame)
    {
        if (!DirectEnvelope.TryRead(frame, out ReadOnlySpan<byte> envelope, out EnvelopeView view))
            return false;
        IInternalActorRef recipient = _recipients.GetOrAdd(envelope.Slice(view.RecipientOffset, view.RecipientLength), static (path, self) => self.Resolve(path), this, _live);
        IActorRef sender = view.SenderLength == 0
            ? ActorRefs.NoSender!
            : _senders.GetOrAdd(envelope.Slice(view.SenderOffset, view.SenderLength), static (path, self) => self.Resolve(path), this, _liveSender);
        string manifest = view.ManifestLength == 0 ? "" : _manifests.GetOrAdd(envelope.Slice(view.ManifestOffset, view.ManifestLength), static (text, _) => text, 0);
        object? message;
        try
        {
            message = _system.Serialization.Deserialize(envelope[view.PayloadOffset..].ToArray(), view.SerializerId, manifest);
        }
        catch (Exception error)
        {
            if (Interlocked.Increment(ref _undeliverable) <= LoggedFailures)
                _system.Log.Warning(error, "Dropped a direct-path message for {0}: serializer {1} (manifest '{2}') could not read it: {3}",
                    recipient.Path, view.SerializerId, manifest, error.Message);
            return true;
        }
        if (message is null)
        {
            Interlocked.Increment(ref _undeliverable);
        }
        else if (view.Kind == EnvelopeFormat.SystemMessage)
        {
            if (message is ISystemMessage systemMessage)
                recipient.SendSystemMessage(systemMessage);
            else
                Interlocked.Increment(ref _undeliverable);
        }
        else
        {
            recipient.Tell(message, sender);
        }
        return true;
    }

    private IInternalActorRef Resolve(string path) =>
        ((Akka.Remote.RemoteActorRefProvider)_system.Provider).ResolveActorRefWithLocalAddress(path, _localAddress);
}
