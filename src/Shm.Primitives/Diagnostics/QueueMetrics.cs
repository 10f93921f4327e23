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

    /// <summary>The one meter of this library: every primitive's instruments hang on it.</summary>
    public static readonly Meter Meter = new(MeterName);

    private static readonly MetricSources<QueueMetricsSnapshot> s_sources = new();

    static QueueMetrics()
    {
        Meter.CreateObservableCounter("shm.queue.enqueued", () => Observe(s => s.Enqueued), "{item}", "Items added to shared-memory queues.");
        Meter.CreateObservableCounter("shm.queue.dequeued", () => Observe(s => s.Dequeued), "{item}", "Items taken from shared-memory queues.");
        Meter.CreateObservableCounter("shm.queue.full", () => Observe(s => s.FullCount), "{call}", "Non-blocking adds that found the queue full.");
        Meter.CreateObservableCounter("shm.queue.empty", () => Observe(s => s.EmptyCount), "{call}", "Non-blocking takes that found the queue empty.");
        Meter.CreateObservableCounter("shm.queue.recoveries", () => Observe(s => s.Recoveries), "{repair}", "Repairs after a process died mid-operation.");
        Meter.CreateObservableUpDownCounter("shm.queue.count", () => Observe(s => s.Count), "{item}", "Items in shared-memory queues.");
        Meter.CreateObservableUpDownCounter("shm.queue.sleeping_waiters", () => Observe(s => s.Sleeping), "{waiter}", "Producers and consumers sleeping on a queue.");
    }

    /// <summary>A registration that reports nothing (a queue inside another primitive's segment reports through it).</summary>
    public static IDisposable None => MetricSources<QueueMetricsSnapshot>.None;

    /// <summary>Reports <paramref name="read"/> until the returned handle is disposed (before the queue unmaps).</summary>
    public static IDisposable Register(string name, Func<QueueMetricsSnapshot> read) => s_sources.Register(name, read);

    private static IEnumerable<Measurement<long>> Observe(Func<QueueMetricsSnapshot, long> select) => s_sources.Observe(select);
}
