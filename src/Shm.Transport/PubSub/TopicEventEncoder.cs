using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
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
    private const int MaxCachedManifests = 4096;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_writer;

    [ThreadStatic]
    private static string? t_lastManifest;

    [ThreadStatic]
    private static byte[]? t_lastManifestBytes;

    [ThreadStatic]
    private static TopicEventEncoder? t_lastEncoder;

    private readonly ConditionalWeakTable<IActorRef, byte[]> _senderPaths = new();
    private readonly ConcurrentDictionary<string, byte[]> _manifests = new();

    /// <summary>The encoded event, valid until this thread encodes another.</summary>
    /// <exception cref="System.Runtime.Serialization.SerializationException">The message cannot be serialized.</exception>
    public ReadOnlySpan<byte> Encode(byte[] topicUtf8, object message, IActorRef? sender)
    {
        Serializer serializer = system.Serialization.FindSerializerFor(message);
        ArrayBufferWriter<byte> writer = t_writer ??= new ArrayBufferWriter<byte>(1024);
        writer.ResetWrittenCount();
        ReadOnlySpan<byte> manifest = serializer.IncludeManifest ? ManifestBytes(serializer.Manifest(message)) : default;
        EnvelopeFormat.WriteHeader(writer, topicUtf8, SenderPath(sender), serializer.Identifier, manifest);
        serializer.ToBinary(message, writer);
        return writer.WrittenSpan;
    }

    /// <summary>The sender's full path with uid, UTF-8, computed once per ref (refs are immutable); none for no sender.</summary>
    private ReadOnlySpan<byte> SenderPath(IActorRef? sender) =>
        sender is null || ReferenceEquals(sender, system.DeadLetters)
            ? default
            : _senderPaths.GetValue(sender, static s => Encoding.UTF8.GetBytes(Actors.Serialization.Serialization.SerializedActorPath(s)));

    private byte[] ManifestBytes(string manifest)
    {
        // Serializers return one string instance per type, and a thread publishes runs of one type: a reference compare.
        if (ReferenceEquals(manifest, t_lastManifest) && ReferenceEquals(this, t_lastEncoder))
            return t_lastManifestBytes!;
        byte[] bytes = LookUpManifestBytes(manifest);
        (t_lastManifest, t_lastManifestBytes, t_lastEncoder) = (manifest, bytes, this);
        return bytes;
    }

    private byte[] LookUpManifestBytes(string manifest) =>
        _manifests.TryGetValue(manifest, out byte[]? cached)
            ? cached
            : _manifests.Count < MaxCachedManifests
                ? _manifests.GetOrAdd(manifest, static m => Encoding.UTF8.GetBytes(m))
                : Encoding.UTF8.GetBytes(manifest); // bounded: a stream of distinct manifests cannot grow the cache for ever
}
