using System.Runtime.CompilerServices;
using System.Text;
using Akka.Actor;
using Akka.Dispatch.SysMsg;
using Akka.Event;
using Akka.Remote;
using Akka.Serialization;
using Shm.Transport.Remoting;

namespace Shm.Transport.Remote;

/// <summary>
/// The sending half of the direct path of one actor system: which refs take it (<see cref="TryCreate"/>), and the
/// serialization of a message into a direct frame on the link to the recipient's node. Refs to other transports, to
/// other boxes, or any ref in untrusted mode (whose filtering only Akka.Remote's pipeline applies) are Akka's own.
/// </summary>
internal sealed class DirectPath
{
    private readonly ExtendedActorSystem _system;
    private readonly bool _untrusted;
    private readonly ConditionalWeakTable<IActorRef, byte[]> _senderPaths = new(); // a path never changes: encoded once
    private readonly ConditionalWeakTable<IActorRef, byte[]>.CreateValueCallback _encodeSender;
    private readonly ManifestCache _manifests = new();
    private SharedMemoryTransport? _transport;
    private long _deadLetters;

    public DirectPath(ExtendedActorSystem system, RemoteSettings settings)
    {
        _system = system;
        _untrusted = settings.UntrustedMode;
        _encodeSender = sender => Encoding.UTF8.GetBytes(Serialization.WithTransport(_system, sender, static sender => Serialization.SerializedActorPath(sender)));
    }

    /// <summary>Messages of the direct path that became dead letters (the node was down, or its link's buffer full).</summary>
    public long DeadLetters => Interlocked.Read(ref _deadLetters);

    /// <summary>The shm transport of this system once it listens; null before, or when it runs none.</summary>
    private SharedMemoryTransport? Transport => _transport ??= SharedMemoryTransport.Of(_system.EventStream);

    /// <summary>A direct ref for <paramref name="path"/> when it names an actor of a node of this box's shm system; null otherwise.</summary>
    public IInternalActorRef? TryCreate(RemoteTransport remote, ActorPath path, Address localAddress)
    {
        if (_untrusted || localAddress.Protocol != SharedMemoryTransport.AkkaScheme || path.Address.Protocol != SharedMemoryTransport.AkkaScheme
            || path.Address.System != _system.Name || path.Address.Host is null || Transport is null)
            return null;
        return new DirectActorRef(this, remote, localAddress, path);
    }

    /// <summary>Sends <paramref name="message"/> (a user or a system message) to <paramref name="recipient"/>; a dead letter when it cannot go.</summary>
    public void Send(DirectActorRef recipient, object message, IActorRef? sender)
    {
        SharedMemoryTransport? transport = Transport;
        Driver.ShmAssociationHandle? link = transport is null ? null : recipient.Link(transport);
        if (link is null || !TryWrite(transport!, link, recipient, message, sender))
        {
            Interlocked.Increment(ref _deadLetters);
            if (message is not ISystemMessage)
                _system.DeadLetters.Tell(new DeadLetter(message, sender ?? ActorRefs.NoSender, recipient), sender ?? ActorRefs.NoSender);
        }
    }

    /// <summary>The sender field: the ref's full path with uid as Akka.Remote writes it, encoded once per ref.</summary>
    private byte[] SenderPath(IActorRef? sender) =>
        sender is null || sender.IsNobody() ? [] : _senderPaths.GetValue(sender, _encodeSender);

    private bool TryWrite(SharedMemoryTransport transport, Driver.ShmAssociationHandle link, DirectActorRef recipient, object message, IActorRef? sender)
    {
        Serializer serializer = _system.Serialization.FindSerializerFor(message);
        string manifest = Serialization.ManifestFor(serializer, message);
        // Refs inside the message and the sender are written with the system's default address, as Akka.Remote writes
        // them (in a system whose first transport is another one, peers answer such refs over that transport).
        byte[] payload = Serialization.WithTransport(_system, (serializer, message), static state => state.serializer.ToBinary(state.message));
        var buffer = DirectEnvelope.Begin();
        byte kind = message is ISystemMessage ? EnvelopeFormat.SystemMessage : EnvelopeFormat.UserMessage;
        EnvelopeFormat.WriteHeader(buffer, recipient.RecipientUtf8, SenderPath(sender), serializer.Identifier, _manifests.Bytes(manifest), kind);
        payload.CopyTo(buffer.GetSpan(payload.Length));
        buffer.Advance(payload.Length);
        if (buffer.WrittenCount > transport.MaximumFrameBytes)
        {
            _system.Log.Error("Discarding a message of {0} for {1}: it serializes to {2} bytes, over akka.remote.shm's maximum-payload-bytes ({3}).",
                message.GetType(), recipient.Path, buffer.WrittenCount - DirectEnvelope.FrameHeaderSize, transport.MaximumPayloadBytes);
            return false;
        }
        return link.Write(buffer.WrittenSpan);
    }
}
