using System.Buffers;
using Shm.Actors;
using Shm.Transport.Remoting;
using Serializer = Shm.Actors.Serialization.Serializer;

namespace Shm.Transport.PubSub;

/// <summary>
/// Writes a published event once, in the transport's envelope format (<see cref="EnvelopeFormat"/>), with the topic in
/// the recipient field: [header][topic][sender path][manifest][payload]. Every node that reads the topic decodes the
/// same bytes. Any thread; the bytes live in a per-thread buffer until the thread's next event.
/// </summary>
internal sealed class TopicEventEncoder(ActorSystem system)
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_writer;

    private readonly EnvelopeFieldCache _fields = new();

    /// <summary>The encoded event, valid until this thread encodes another.</summary>
    /// <exception cref="System.Runtime.Serialization.SerializationException">The message cannot be serialized.</exception>
    public ReadOnlySpan<byte> Encode(byte[] topicUtf8, object message, IActorRef? sender)
    {
        Serializer serializer = system.Serialization.FindSerializerFor(message);
        ArrayBufferWriter<byte> writer = t_writer ??= new ArrayBufferWriter<byte>(1024);
        writer.ResetWrittenCount();
        ReadOnlySpan<byte> manifest = serializer.IncludeManifest ? _fields.Manifest(serializer.Manifest(message)) : default;
        EnvelopeFormat.WriteHeader(writer, topicUtf8, SenderPath(sender), serializer.Identifier, manifest);
        serializer.ToBinary(message, writer);
        return writer.WrittenSpan;
    }

    /// <summary>The sender's full path with uid; none for no sender (dead letters stands for none).</summary>
    private ReadOnlySpan<byte> SenderPath(IActorRef? sender) =>
        sender is null || ReferenceEquals(sender, system.DeadLetters) ? default : _fields.SenderPath(sender);
}
