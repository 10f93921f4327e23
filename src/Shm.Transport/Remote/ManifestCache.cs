using System.Collections.Concurrent;
using System.Text;

namespace Shm.Transport.Remote;

/// <summary>
/// The UTF-8 of the manifests envelopes repeat with every message, encoded once instead of per message. Any thread;
/// lock-free on a hit (the hot path of every Tell and Publish).
/// </summary>
internal sealed class ManifestCache
{
    private const int MaxCachedManifests = 4096; // a stream of distinct manifests must not grow the table for ever

    private readonly ConcurrentDictionary<string, byte[]> _manifests = new();
    private int _manifestCount; // not _manifests.Count: that takes every lock of the dictionary
    private ManifestBytes _lastManifest = new("", []);

    /// <summary>A manifest's bytes: the last one by reference (serializers return one string per type, and a stream of one type repeats it), else the table.</summary>
    public byte[] Bytes(string manifest)
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

    private sealed record ManifestBytes(string Text, byte[] Bytes);
}
