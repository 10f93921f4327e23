using System.Text;

namespace Shm.Transport.Remote;

/// <summary>
/// What an envelope's UTF-8 field (a path, a manifest) turned into last time: the inbox reader resolves the same few
/// paths and manifests millions of times, so it looks them up by their bytes instead of decoding and parsing each
/// time. Single-threaded (the reader's own); bounded (cleared when full, so churn cannot grow it without limit).
/// </summary>
internal sealed class Utf8KeyCache<TValue>(int capacity)
{
    private readonly Dictionary<ulong, (byte[] Key, TValue Value)> _entries = [];
    private byte[] _lastKey = [];
    private TValue? _lastValue;
    private bool _hasLast;

    /// <param name="key">The field's bytes.</param>
    /// <param name="create">Makes the value from the decoded text (on a miss).</param>
    /// <param name="state">Passed to <paramref name="create"/>.</param>
    /// <param name="cacheable">Whether a value may be kept (and, on a hit, is still good: a stale one is made again).</param>
    public TValue GetOrAdd<TState>(ReadOnlySpan<byte> key, Func<string, TState, TValue> create, TState state, Func<TValue, bool>? cacheable = null)
    {
        // Consecutive envelopes mostly repeat the previous one's fields (a burst between two actors): one compare.
        if (_hasLast && key.SequenceEqual(_lastKey) && (cacheable is null || cacheable(_lastValue!)))
            return _lastValue!;
        ulong hash = Hash(key);
        if (_entries.TryGetValue(hash, out var entry) && key.SequenceEqual(entry.Key) && (cacheable is null || cacheable(entry.Value)))
            return Remember(entry.Key, entry.Value);
        TValue value = create(Encoding.UTF8.GetString(key), state);
        if (cacheable is null || cacheable(value))
        {
            if (_entries.Count >= capacity)
                _entries.Clear();
            byte[] stored = key.ToArray();
            _entries[hash] = (stored, value);
            return Remember(stored, value);
        }
        return value;
    }

    private TValue Remember(byte[] key, TValue value)
    {
        _lastKey = key;
        _lastValue = value;
        _hasLast = true;
        return value;
    }

    /// <summary>FNV-1a over 8-byte words, then the tail (a path is hashed in a few nanoseconds).</summary>
    private static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037;
        ReadOnlySpan<ulong> words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(bytes);
        foreach (ulong word in words)
            hash = (hash ^ word) * 1099511628211;
        foreach (byte b in bytes[(words.Length * sizeof(ulong))..])
            hash = (hash ^ b) * 1099511628211;
        return hash ^ (hash >> 29);
    }
}
