namespace Shm.Primitives;

/// <summary>
/// A snapshot of a byte queue's statistics, totalled over every process and thread that used the segment.
/// Count and ArenaUsed are exact (read under the lock); counters are diagnostic.
/// </summary>
/// <param name="Count">Messages in the queue.</param>
/// <param name="Capacity">Most messages the queue holds.</param>
/// <param name="ArenaUsed">Arena bytes occupied (messages rounded up to 8, plus wrap gaps).</param>
/// <param name="ArenaCapacity">Arena bytes.</param>
/// <param name="Enqueued">Messages added.</param>
/// <param name="Dequeued">Messages taken.</param>
/// <param name="FullCount">Adds that found no room.</param>
/// <param name="EmptyCount">Takes that found the queue empty.</param>
/// <param name="SleepingConsumers">Consumers registered to sleep (blocking or async).</param>
/// <param name="SleepingProducers">Producers registered to sleep.</param>
/// <param name="Recoveries">Times a locker repaired the queue after the previous holder died.</param>
/// <param name="Sleeps">Times a blocking call went to sleep on the futex.</param>
public readonly record struct ShmByteQueueStats(
    long Count,
    long Capacity,
    long ArenaUsed,
    long ArenaCapacity,
    long Enqueued,
    long Dequeued,
    long FullCount,
    long EmptyCount,
    long SleepingConsumers,
    long SleepingProducers,
    long Recoveries,
    long Sleeps);
