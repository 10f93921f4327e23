using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Shm.Primitives.Diagnostics;

/// <summary>What every queue kind reports to the metrics instruments.</summary>
internal readonly record struct QueueMetricsSnapshot(long Count, long Enqueued, long Dequeued, long FullCount, long EmptyCount, long Recoveries, long Sleeping);

/// <summary>
/// Queue statistics as System.Diagnostics.Metrics instruments on the meter <c>Shm.Primitives</c>, one
/// measurement per open queue tagged <c>shm.segment</c>. Observable instruments: nothing is paid until a
/// listener collects.
/// </summary>
internal static class QueueMetrics
{
    public const string MeterName = "Shm.Primitives";
    public const string SegmentTag = "shm.segment";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly ConcurrentDictionary<Registration, byte> s_sources = new();

    static QueueMetrics()
    {
        s_meter.CreateObservableCounter("shm.queue.enqueued", () => Observe(s => s.Enqueued), "{item}", "Items added to shared-memory queues.");
        s_meter.CreateObservableCounter("shm.queue.dequeued", () => Observe(s => s.Dequeued), "{item}", "Items taken from shared-memory queues.");
        s_meter.CreateObservableCounter("shm.queue.full", () => Observe(s => s.FullCount), "{call}", "Non-blocking adds that found the queue full.");
        s_meter.CreateObservableCounter("shm.queue.empty", () => Observe(s => s.EmptyCount), "{call}", "Non-blocking takes that found the queue empty.");
        s_meter.CreateObservableCounter("shm.queue.recoveries", () => Observe(s => s.Recoveries), "{repair}", "Repairs after a process died mid-operation.");
        s_meter.CreateObservableUpDownCounter("shm.queue.count", () => Observe(s => s.Count), "{item}", "Items in shared-memory queues.");
        s_meter.CreateObservableUpDownCounter("shm.queue.sleeping_waiters", () => Observe(s => s.Sleeping), "{waiter}", "Producers and consumers sleeping on a queue.");
    }

    /// <summary>Reports <paramref name="read"/> until the returned handle is disposed (before the queue unmaps).</summary>
    public static IDisposable Register(string name, Func<QueueMetricsSnapshot> read)
    {
        var registration = new Registration(name, read);
        s_sources.TryAdd(registration, 0);
        return registration;
    }

    private static IEnumerable<Measurement<long>> Observe(Func<QueueMetricsSnapshot, long> select)
    {
        foreach (Registration source in s_sources.Keys)
        {
            if (source.TryRead(out QueueMetricsSnapshot snapshot))
                yield return new Measurement<long>(select(snapshot), new KeyValuePair<string, object?>(SegmentTag, source.Name));
        }
    }

    private sealed class Registration(string name, Func<QueueMetricsSnapshot> read) : IDisposable
    {
        private readonly object _gate = new();
        private bool _disposed;

        public string Name => name;

        public bool TryRead(out QueueMetricsSnapshot snapshot)
        {
            // Under the gate: Dispose takes it before the queue unmaps, so a collection never reads unmapped memory.
            lock (_gate)
            {
                snapshot = _disposed ? default : read();
                return !_disposed;
            }
        }

        public void Dispose()
        {
            lock (_gate)
                _disposed = true;
            s_sources.TryRemove(this, out _);
        }
    }
}
