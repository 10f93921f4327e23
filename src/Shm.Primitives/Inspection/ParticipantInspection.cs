using Shm.Primitives.Participants;
using L = Shm.Primitives.Participants.ParticipantRecordLayout;

namespace Shm.Primitives.Inspection;

/// <summary>
/// Read-only view of a segment's participant table: the processes holding records and the summed per-thread counters.
/// Builds a <see cref="ParticipantTable"/> over the mapping only to reuse its summing; nothing is taken or reaped.
/// </summary>
internal sealed unsafe class ParticipantInspection
{
    /// <summary>Said of every kind with participant records: what the user list cannot show.</summary>
    public const string LazyRecordsNote =
        "participant records are taken on a thread's first operation: a process that only opened the segment holds none";

    private readonly byte* _records;
    private readonly int _recordCount;
    private readonly ParticipantTable _table;

    /// <param name="segmentBase">Start of the validated mapping.</param>
    /// <param name="participantsOffset">Where the records start (from the kind's Layout class).</param>
    /// <param name="recordCount">Records, from the validated header.</param>
    /// <param name="retiredCountersOffset">Where the retired counters live.</param>
    /// <param name="consumerWaitersOffset">The consumer sleeper count word.</param>
    /// <param name="producerWaitersOffset">The producer sleeper count word.</param>
    /// <param name="name">The segment's name for messages.</param>
    public ParticipantInspection(byte* segmentBase, long participantsOffset, long recordCount, long retiredCountersOffset,
        long consumerWaitersOffset, long producerWaitersOffset, string name)
    {
        _records = segmentBase + participantsOffset;
        _recordCount = (int)recordCount;
        // Sleeper counts are adjusted with signed adds (a reaper subtracts): clamp a racy negative reading to 0.
        ConsumerWaiters = Math.Max(0, (int)Volatile.Read(ref *(uint*)(segmentBase + consumerWaitersOffset)));
        ProducerWaiters = Math.Max(0, (int)Volatile.Read(ref *(uint*)(segmentBase + producerWaitersOffset)));
        _table = new ParticipantTable(_records, _recordCount, name, (long*)(segmentBase + retiredCountersOffset),
            (uint*)(segmentBase + consumerWaitersOffset), (uint*)(segmentBase + producerWaitersOffset));
    }

    /// <summary>Sleepers registered on the consumer side (clamped at 0: the count is racy).</summary>
    public int ConsumerWaiters { get; }

    /// <summary>Sleepers registered on the producer side.</summary>
    public int ProducerWaiters { get; }

    /// <summary>One counter summed over every record and the retired counters.</summary>
    public long Sum(int counter) => _table.SumCounter(counter);

    /// <summary>Adds the owner of every record in use (a record being reaped counts for its reaper) to <paramref name="tally"/>.</summary>
    public void AddUsers(ProcessTally tally)
    {
        for (int i = 0; i < _recordCount; i++)
        {
            ulong owner = Volatile.Read(ref *(ulong*)(_records + (long)i * L.Size + L.OwnerOffset));
            tally.Add("participant", owner & ~L.ReapingBit);
        }
    }
}
