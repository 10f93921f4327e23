using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Shm.Actors;
using Shm.Actors.Internal;

namespace Shm.Transport.Remoting;

/// <summary>
/// The UTF-8 of the envelope fields a sender repeats with every message, its path and the message's manifest, encoded
/// once instead of per message. Any thread; lock-free on a hit (the hot path of every Tell and Publish).
/// </summary>
internal sealed class EnvelopeFieldCache
{
    private const int MaxCachedManifests = 4096; // a stream of distinct manifests must not grow the table for ever

    private readonly ConditionalWeakTable<IActorRef, byte[]> _foreignPaths = new(); // refs that are not the runtime's own
    private readonly ConcurrentDictionary<string, byte[]> _manifests = new();
    private int _manifestCount; // not _manifests.Count: that takes every lock of the dictionary
    private ManifestBytes _lastManifest = new("", []);

    /// <summary>The sender field: the ref's full path with uid (see Serialization.SerializedActorPath); empty for no sender.</summary>
    public ReadOnlySpan<byte> SenderPath(IActorRef? sender) => sender switch
    {
        null => default,
        InternalActorRef own => own.SerializedPathUtf8 ??= Encode(own), // kept on the ref: its path never changes
        _ => _foreignPaths.GetValue(sender, Encode),
    };

    /// <summary>A manifest's bytes: the last one by reference (serializers return one string per type, and a stream of one type repeats it), else the table.</summary>
    public byte[] Manifest(string manifest)
    {
        ManifestBytes last = _lastManifest; // immutable: read whole, whichever thread wrote it
        if (ReferenceEquals(last.Text, manifest))
            return last.Bytes;
        if (!_manifests.TryGetValue(manifest, out byte[]? bytes))
        {
            bytes = Encoding.UTF8.GetBytes(manifest);
            if (Volatile.Read(ref _manifestCount) < MaxCachedManifests && _manifests.TryAdd(manifest, bytes))
                Interlocked.Increment(ref _manifestCount);
        }
        _lastManifest = new ManifestBytes(manifest, bytes);
        return bytes;
    }

    private static byte[] Encode(IActorRef actorRef) => Encoding.UTF8.GetBytes(Actors.Serialization.Serialization.SerializedActorPath(actorRef));

    private sealed record ManifestBytes(string Text, byte[] Bytes);
}
