using System.Text;

namespace Shm.Transport.Remoting;

/// <summary>
/// What an envelope's UTF-8 field (a path, a manifest) turned into last time: the inbox reader resolves the same few
/// paths and manifests millions of times, so it looks them up by their bytes instead of decoding and parsing each
/// time. Single-threaded (the reader's own); bounded (cleared when full, so churn cannot grow it without limit).
/// </summary>
internal sealed class Utf8KeyCache<TValue>(int capacity)
{
    private readonly Dictionary<ulong, (byte[] Key, TValue Value)> _entries = [];

    /// <param name="key">The field's bytes.</param>
    /// <param name="create">Makes the value from the decoded text (on a miss).</param>
    /// <param name="state">Passed to <paramref name="create"/>.</param>
    /// <param name="cacheable">Whether a value may be kept (and, on a hit, is still good: a stale one is made again).</param>
    public TValue GetOrAdd<TState>(ReadOnlySpan<byte> key, Func<string, TState, TValue> create, TState state, Func<TValue, bool>? cacheable = null)
    {
        ulong hash = Fnv1a(key);
        if (_entries.TryGetValue(hash, out var entry) && key.SequenceEqual(entry.Key) && (cacheable is null || cacheable(entry.Value)))
            return entry.Value;
        TValue value = create(Encoding.UTF8.GetString(key), state);
        if (cacheable is null || cacheable(value))
        {
            if (_entries.Count >= capacity)
                _entries.Clear();
            _entries[hash] = (key.ToArray(), value);
        }
        return value;
    }

    private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037;
        foreach (byte b in bytes)
            hash = (hash ^ b) * 1099511628211;
        return hash;
    }
}
