using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Shm.Primitives.Diagnostics;

/// <summary>A queue whose statistics the metrics instruments report.</summary>
internal interface IQueueStatsSource
{
    string Name { get; }

    bool TryGetStats(out ShmQueueStats stats);
}

/// <summary>
/// The queue statistics as System.Diagnostics.Metrics instruments on the meter <c>Shm.Primitives</c>, one
/// measurement per open queue tagged <c>shm.segment</c>. Observable instruments: nothing is paid until a
/// listener collects.
/// </summary>
internal static class QueueMetrics
{
    public const string MeterName = "Shm.Primitives";
    public const string SegmentTag = "shm.segment";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly ConcurrentDictionary<IQueueStatsSource, byte> s_sources = new(ReferenceEqualityComparer.Instance);

    static QueueMetrics()
    {
        s_meter.CreateObservableCounter("shm.queue.enqueued", () => Observe(s => s.Enqueued), "{item}", "Items added to shared-memory queues.");
        s_meter.CreateObservableCounter("shm.queue.dequeued", () => Observe(s => s.Dequeued), "{item}", "Items taken from shared-memory queues.");
        s_meter.CreateObservableCounter("shm.queue.full", () => Observe(s => s.FullCount), "{call}", "Non-blocking adds that found the queue full.");
        s_meter.CreateObservableCounter("shm.queue.empty", () => Observe(s => s.EmptyCount), "{call}", "Non-blocking takes that found the queue empty.");
        s_meter.CreateObservableCounter("shm.queue.recoveries", () => Observe(s => s.Recoveries), "{slot}", "Slots repaired after their holder died.");
        s_meter.CreateObservableUpDownCounter("shm.queue.count", () => Observe(s => s.Count), "{item}", "Items in shared-memory queues.");
        s_meter.CreateObservableUpDownCounter("shm.queue.sleeping_waiters", () => Observe(s => s.SleepingConsumers + s.SleepingProducers), "{waiter}", "Producers and consumers sleeping on a queue.");
    }

    public static void Register(IQueueStatsSource source) => s_sources.TryAdd(source, 0);

    public static void Unregister(IQueueStatsSource source) => s_sources.TryRemove(source, out _);

    private static IEnumerable<Measurement<long>> Observe(Func<ShmQueueStats, long> select)
    {
        foreach (IQueueStatsSource source in s_sources.Keys)
        {
            if (source.TryGetStats(out ShmQueueStats stats))
                yield return new Measurement<long>(select(stats), new KeyValuePair<string, object?>(SegmentTag, source.Name));
        }
    }
}
