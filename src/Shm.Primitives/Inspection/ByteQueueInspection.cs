using Shm.Primitives.ByteQueue;
using Shm.Primitives.Participants;
using Shm.Primitives.Segments;
using B = Shm.Primitives.ByteQueue.ShmByteQueueLayout;

namespace Shm.Primitives.Inspection;

/// <summary>Reads a ShmByteQueue segment (or a byte ReqRep's request queue): fill, arena use, journal, lock, counters.</summary>
internal static unsafe class ByteQueueInspection
{
    public static SegmentSnapshot Read(Segment segment) =>
        Read(segment.Base, segment.Geometry.Capacity, segment.Geometry.Parameter1, segment.Geometry.Parameter2, segment.Name, "ShmByteQueue");

    /// <summary>Reads the byte queue laid out at <paramref name="queueBase"/> with the given validated geometry.</summary>
    public static SegmentSnapshot Read(byte* queueBase, long capacity, long participants, long arenaBytes, string name, string description)
    {
        // The four state words are written only under the lock; without it they are a racy snapshot, clamped like
        // ShmByteQueue.GetStats does. A pending journal means a holder died mid-commit and the next locker completes it.
        long head = Volatile.Read(ref *(long*)(queueBase + B.HeadPositionOffset));
        long tail = Volatile.Read(ref *(long*)(queueBase + B.TailPositionOffset));
        long arenaUsed = Math.Clamp(Volatile.Read(ref *(long*)(queueBase + B.ArenaUsedOffset)), 0, arenaBytes);
        bool journalPending = Volatile.Read(ref *(uint*)(queueBase + B.JournalStateOffset)) == B.JournalPending;
        long count = Math.Clamp(tail - head, 0, capacity);
        var records = new ParticipantInspection(queueBase, B.ParticipantsOffset, participants, B.RetiredCountersOffset,
            B.ConsumerWaitersOffset, B.ProducerWaitersOffset, name);
        var tally = new ProcessTally();
        records.AddUsers(tally);
        SegmentMetric[] metrics =
        [
            new("count", count, false),
            new("capacity", capacity, false),
            new("arena_used", arenaUsed, false),
            new("arena_bytes", arenaBytes, false),
            new("journal_pending", journalPending ? 1 : 0, false),
            new("enqueued", records.Sum(ByteQueueCounter.Enqueued), true),
            new("dequeued", records.Sum(ByteQueueCounter.Dequeued), true),
            new("full", records.Sum(ByteQueueCounter.Full), true),
            new("empty", records.Sum(ByteQueueCounter.Empty), true),
            new("sleeping_consumers", records.ConsumerWaiters, false),
            new("sleeping_producers", records.ProducerWaiters, false),
            new("sleeps", records.Sum(ParticipantCounter.Sleeps), true),
            new("recoveries", records.Sum(ByteQueueCounter.Recoveries), true),
        ];
        MutexOwner owner = MutexOwner.Read(queueBase + B.MutexOffset);
        return new SegmentSnapshot(description, count, capacity, "messages", metrics, tally.ToUsers(), owner, [], [ParticipantInspection.LazyRecordsNote]);
    }
}
