using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Akka.Actor;
using Akka.Serialization;

namespace Shm.Transport.Remote;

/// <summary>
/// Serializes Akka messages into envelopes (<see cref="EnvelopeFormat"/>) with the serializer Akka picks for each:
/// the direct path's Tells, asks and replies, and the events of shm topics. A sender's path (with its uid, as
/// Akka.Remote writes it) is encoded once per ref, a manifest once per string.
/// </summary>
internal sealed class EnvelopeWriter
{
    private readonly ExtendedActorSystem _system;
    private int _hasAddress; // 0 unknown (the provider may not be up yet), 1 yes, -1 no: a system without remoting has no address a path is reachable by
    private readonly ConditionalWeakTable<IActorRef, byte[]> _senderPaths = new(); // a path never changes: encoded once
    private readonly ConditionalWeakTable<IActorRef, byte[]>.CreateValueCallback _encodeSender;
    private readonly ManifestCache _manifests = new();

    public EnvelopeWriter(ExtendedActorSystem system)
    {
        _system = system;
        _encodeSender = sender => Encoding.UTF8.GetBytes(Serialization.WithTransport(_system, sender, static sender => Serialization.SerializedActorPath(sender)));
    }

    /// <summary>
    /// The sender field for <paramref name="sender"/>: its full path with uid, encoded once per ref; empty for no
    /// sender, and in a system without remoting (its paths mean nothing in another process).
    /// </summary>
    public byte[] SenderPath(IActorRef? sender) =>
        sender is null || sender.IsNobody() || !HasAddress || ReferenceEquals(sender, _system.DeadLetters) ? [] : _senderPaths.GetValue(sender, _encodeSender);

    private bool HasAddress
    {
        get
        {
            if (_hasAddress == 0)
                _hasAddress = _system.Provider.DefaultAddress.HasGlobalScope ? 1 : -1;
            return _hasAddress > 0;
        }
    }

    /// <summary>Appends the envelope of <paramref name="message"/> with <paramref name="sender"/>'s path as its sender field.</summary>
    public void Write(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> recipient, object message, IActorRef? sender, byte kind, int tag = 0) =>
        Write(buffer, recipient, message, SenderPath(sender), kind, tag);

    /// <summary>Appends the envelope of <paramref name="message"/> with <paramref name="sender"/> as its sender field.</summary>
    /// <exception cref="System.Runtime.Serialization.SerializationException">Akka's serializer for the message cannot write it.</exception>
    public void Write(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> recipient, object message, ReadOnlySpan<byte> sender, byte kind, int tag = 0)
    {
        Serializer serializer = _system.Serialization.FindSerializerFor(message);
        string manifest = Serialization.ManifestFor(serializer, message);
        // Refs inside the message and the sender are written with the system's default address, as Akka.Remote writes
        // them (in a system whose first transport is another one, peers answer such refs over that transport).
        byte[] payload = Serialization.WithTransport(_system, (serializer, message), static state => state.serializer.ToBinary(state.message));
        EnvelopeFormat.WriteHeader(buffer, recipient, sender, serializer.Identifier, _manifests.Bytes(manifest), kind, tag);
        payload.CopyTo(buffer.GetSpan(payload.Length));
        buffer.Advance(payload.Length);
    }
}
