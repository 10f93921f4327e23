using Shm.Primitives.Participants;
using Shm.Primitives.Queue;
using Shm.Primitives.Segments;
using Q = Shm.Primitives.Queue.ShmQueueLayout;

namespace Shm.Primitives.Inspection;

/// <summary>Reads a ShmQueue&lt;T&gt; segment (or a typed ReqRep's request queue): fill, counters, participants.</summary>
internal static unsafe class QueueInspection
{
    public static SegmentSnapshot Read(Segment segment) =>
        Read(segment.Base, segment.Geometry.Capacity, segment.Geometry.Parameter1, segment.Name, "ShmQueue<" + segment.Geometry.Element.Name + ">");

    /// <summary>Reads the queue laid out at <paramref name="queueBase"/> with the given validated geometry.</summary>
    public static SegmentSnapshot Read(byte* queueBase, long capacity, long participants, string name, string description)
    {
        // Tail first: the head can only move up to it, so a later head read never gives a negative count unless the
        // tail moved too; clamping covers what the race leaves.
        long tail = Volatile.Read(ref *(long*)(queueBase + Q.TailPositionOffset));
        long head = Volatile.Read(ref *(long*)(queueBase + Q.HeadPositionOffset));
        long count = Math.Clamp(tail - head, 0, capacity);
        var records = new ParticipantInspection(queueBase, Q.ParticipantsOffset, participants, Q.RetiredCountersOffset,
            Q.ConsumerWaitersOffset, Q.ProducerWaitersOffset, name);
        var tally = new ProcessTally();
        records.AddUsers(tally);
        SegmentMetric[] metrics =
        [
            new("count", count, false),
            new("capacity", capacity, false),
            new("enqueued", records.Sum(QueueCounter.Enqueued), true),
            new("dequeued", records.Sum(QueueCounter.Dequeued), true),
            new("full", records.Sum(QueueCounter.Full), true),
            new("empty", records.Sum(QueueCounter.Empty), true),
            new("sleeping_consumers", records.ConsumerWaiters, false),
            new("sleeping_producers", records.ProducerWaiters, false),
            new("sleeps", records.Sum(ParticipantCounter.Sleeps), true),
            new("recoveries", records.Sum(QueueCounter.Recoveries), true),
        ];
        return new SegmentSnapshot(description, count, capacity, "items", metrics, tally.ToUsers(), null, [], [ParticipantInspection.LazyRecordsNote]);
    }
}
