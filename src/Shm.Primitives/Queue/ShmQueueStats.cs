namespace Shm.Primitives;

/// <summary>
/// A snapshot of a queue's statistics, totalled over every process and thread that has used the segment
/// (counters of exited processes included). Counters are read without stopping writers: diagnostic, not exact.
/// </summary>
/// <param name="Count">Items in the queue.</param>
/// <param name="Capacity">Slots.</param>
/// <param name="MappedBytes">Size of the segment.</param>
/// <param name="Enqueued">Items added.</param>
/// <param name="Dequeued">Items taken.</param>
/// <param name="FullCount">Non-blocking adds that found the queue full.</param>
/// <param name="EmptyCount">Non-blocking takes that found the queue empty.</param>
/// <param name="SleepingConsumers">Consumers currently registered to sleep (blocking or async).</param>
/// <param name="SleepingProducers">Producers currently registered to sleep.</param>
/// <param name="Recoveries">Slots repaired after their holder died mid-claim.</param>
/// <param name="Sleeps">Times a blocking call went to sleep on the futex.</param>
public readonly record struct ShmQueueStats(
    long Count,
    long Capacity,
    long MappedBytes,
    long Enqueued,
    long Dequeued,
    long FullCount,
    long EmptyCount,
    long SleepingConsumers,
    long SleepingProducers,
    long Recoveries,
    long Sleeps);
