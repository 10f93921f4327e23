using Shm.Primitives.Diagnostics;
using Shm.Primitives.Participants;
using Shm.Primitives.Queue;

namespace Shm.Primitives;

// Statistics: per-thread counters in the participant records (written only by their thread, off the hot shared
// lines), summed over all records plus the counters retired from freed records.
public sealed unsafe partial class ShmQueue<T>
{
    /// <summary>Totals over all processes that used this queue; see <see cref="ShmQueueStats"/>.</summary>
    public ShmQueueStats GetStats()
    {
        ThrowIfUnusable();
        return new ShmQueueStats(
            Count,
            _capacity,
            _segment.Length,
            _participants.SumCounter(QueueCounter.Enqueued),
            _participants.SumCounter(QueueCounter.Dequeued),
            _participants.SumCounter(QueueCounter.Full),
            _participants.SumCounter(QueueCounter.Empty),
            _sleepers.SleepingConsumers,
            _sleepers.SleepingProducers,
            _participants.SumCounter(QueueCounter.Recoveries),
            _participants.SumCounter(ParticipantCounter.Sleeps));
    }

    private QueueMetricsSnapshot ReadMetrics()
    {
        ShmQueueStats s = GetStats();
        return new QueueMetricsSnapshot(s.Count, s.Enqueued, s.Dequeued, s.FullCount, s.EmptyCount, s.Recoveries, s.SleepingConsumers + s.SleepingProducers);
    }
}
