using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Shm.Primitives.Diagnostics;

/// <summary>
/// The open instances one set of observable instruments reports: each registers a snapshot reader and is
/// measured with one tag (by default <c>shm.segment</c>) = its name until it disposes the registration (before it
/// unmaps, or otherwise stops being readable). A source whose segment reads as corrupt is left out of that collection.
/// </summary>
internal sealed class MetricSources<TSnapshot>(string tagKey = MetricSources<TSnapshot>.SegmentTag)
{
    public const string SegmentTag = "shm.segment";

    private readonly ConcurrentDictionary<Registration, byte> _sources = new();

    public static IDisposable None { get; } = new NoRegistration();

    public IDisposable Register(string name, Func<TSnapshot> read)
    {
        var registration = new Registration(this, name, read);
        _sources.TryAdd(registration, 0);
        return registration;
    }

    public IEnumerable<Measurement<long>> Observe(Func<TSnapshot, long> select)
    {
        foreach (Registration source in _sources.Keys)
        {
            if (source.TryRead(out TSnapshot snapshot))
                yield return new Measurement<long>(select(snapshot), new KeyValuePair<string, object?>(tagKey, source.Name));
        }
    }

    private sealed class Registration(MetricSources<TSnapshot> owner, string name, Func<TSnapshot> read) : IDisposable
    {
        private readonly object _gate = new();
        private bool _disposed;

        public string Name => name;

        public bool TryRead(out TSnapshot snapshot)
        {
            // Under the gate: Dispose takes it before the instance unmaps, so a collection never reads unmapped memory.
            lock (_gate)
            {
                snapshot = default!;
                if (_disposed)
                    return false;
                try
                {
                    snapshot = read();
                    return true;
                }
                catch (ShmCorruptedException)
                {
                    // A segment another process truncated or scribbled on: its owner finds out on its next operation.
                    // A collection goes on without it: one bad segment must not fail every instrument of the process.
                    return false;
                }
            }
        }

        public void Dispose()
        {
            lock (_gate)
                _disposed = true;
            owner._sources.TryRemove(this, out _);
        }
    }

    private sealed class NoRegistration : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
