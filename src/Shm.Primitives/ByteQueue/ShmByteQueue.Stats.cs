using Shm.Primitives.ByteQueue;
using Shm.Primitives.Diagnostics;
using Shm.Primitives.Participants;

namespace Shm.Primitives;

// Statistics: per-thread counters in the participant records, summed on read (see ShmQueue.Stats.cs).
public sealed partial class ShmByteQueue
{
    /// <summary>
    /// Totals over all processes that used this queue; see <see cref="ShmByteQueueStats"/>. Never takes the lock
    /// (a stopped holder cannot block diagnostics), so Count and ArenaUsed here are a racy snapshot, clamped to
    /// their limits; the <see cref="Count"/> and <see cref="ArenaUsed"/> properties are exact.
    /// </summary>
    public unsafe ShmByteQueueStats GetStats()
    {
        ThrowIfUnusable();
        long count = Math.Clamp(Volatile.Read(ref _state[1]) - Volatile.Read(ref _state[0]), 0, _capacity);
        long arenaUsed = Math.Clamp(Volatile.Read(ref _state[3]), 0, _arenaBytes);
        return new ShmByteQueueStats(
            count,
            _capacity,
            arenaUsed,
            _arenaBytes,
            _participants.SumCounter(ByteQueueCounter.Enqueued),
            _participants.SumCounter(ByteQueueCounter.Dequeued),
            _participants.SumCounter(ByteQueueCounter.Full),
            _participants.SumCounter(ByteQueueCounter.Empty),
            _sleepers.SleepingConsumers,
            _sleepers.SleepingProducers,
            _participants.SumCounter(ByteQueueCounter.Recoveries),
            _participants.SumCounter(ParticipantCounter.Sleeps));
    }

    private QueueMetricsSnapshot ReadMetrics()
    {
        ShmByteQueueStats s = GetStats();
        return new QueueMetricsSnapshot(s.Count, s.Enqueued, s.Dequeued, s.FullCount, s.EmptyCount, s.Recoveries, s.SleepingConsumers + s.SleepingProducers);
    }
}
