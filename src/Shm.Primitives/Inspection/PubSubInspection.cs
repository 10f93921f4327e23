using Shm.Primitives.PubSub;
using Shm.Primitives.Segments;
using P = Shm.Primitives.PubSub.ShmPubSubLayout;
using BP = Shm.Primitives.PubSub.ShmBytePubSubLayout;

namespace Shm.Primitives.Inspection;

/// <summary>Reads ShmPubSub&lt;T&gt; and ShmBytePubSub segments: write position, registered subscribers and their lag, counters.</summary>
internal static unsafe class PubSubInspection
{
    // SubscriberTable's record begins with its Owner word (see the diagram in SubscriberTable.cs); the cursor is read
    // through SubscriberTable.CursorOf.
    private const int SubscriberOwnerOffset = 0;

    private const string OverwriteNote =
        "overwrite mode: subscribers keep their cursors in their own process, so the segment cannot list them or their lag";

    public static SegmentSnapshot ReadTyped(Segment segment)
    {
        SegmentGeometry g = segment.Geometry;
        var mode = (ShmPubSubMode)g.Parameter2;
        var records = new ParticipantInspection(segment.Base, P.ParticipantsOffset, g.Parameter1, P.RetiredCountersOffset,
            P.WaitersOffset, P.PublisherWaitersOffset, segment.Name);
        long writePosition = Volatile.Read(ref *(long*)(segment.Base + P.WritePositionOffset));
        SegmentMetric[] metrics =
        [
            new("write_position", writePosition, true),
            new("capacity", g.Capacity, false),
            new("published", records.Sum(PubSubCounter.Published), true),
            new("dropped", records.Sum(PubSubCounter.Dropped), true),
            new("abandoned", records.Sum(PubSubCounter.Abandoned), true),
            new("sleeping_subscribers", records.ConsumerWaiters, false),
            new("sleeping_publishers", records.ProducerWaiters, false),
        ];
        return Build(segment, "ShmPubSub<" + g.Element.Name + "> (" + mode + ")", mode, writePosition, g.Capacity,
            segment.Base + P.SubscribersOffset(g.Parameter1), records, metrics, lockOwner: null);
    }

    public static SegmentSnapshot ReadBytes(Segment segment)
    {
        SegmentGeometry g = segment.Geometry;
        ShmPubSubMode mode = BP.ModeOf(g.Parameter2);
        var records = new ParticipantInspection(segment.Base, BP.ParticipantsOffset, g.Parameter1, BP.RetiredCountersOffset,
            BP.WaitersOffset, BP.ReservedWaitersOffset, segment.Name);
        long writePosition = Volatile.Read(ref *(long*)(segment.Base + BP.WritePositionOffset));
        SegmentMetric[] metrics =
        [
            new("write_position", writePosition, true),
            new("capacity", g.Capacity, false),
            new("max_message_bytes", BP.MaxMessageBytesOf(g.Parameter2), false),
            new("published", records.Sum(PubSubCounter.Published), true),
            new("abandoned", records.Sum(PubSubCounter.Abandoned), true),
            new("sleeping_subscribers", records.ConsumerWaiters, false),
        ];
        return Build(segment, "ShmBytePubSub (" + mode + ")", mode, writePosition, g.Capacity,
            segment.Base + BP.SubscribersOffset(g.Parameter1), records, metrics, MutexOwner.ReadProcessLock((ulong*)(segment.Base + BP.LockOffset)));
    }

    private static SegmentSnapshot Build(Segment segment, string description, ShmPubSubMode mode, long writePosition, long capacity,
        byte* subscriberRecords, ParticipantInspection records, SegmentMetric[] metrics, MutexOwner? lockOwner)
    {
        var tally = new ProcessTally();
        records.AddUsers(tally);
        var subscribers = new List<SubscriberCursor>();
        for (int i = 0; i < SubscriberTable.RecordCount; i++)
        {
            byte* record = subscriberRecords + i * SubscriberTable.RecordSize;
            ulong owner = Volatile.Read(ref *(ulong*)(record + SubscriberOwnerOffset));
            if (owner == 0)
                continue;
            tally.Add("subscriber", owner);
            long cursor = SubscriberTable.CursorOf(record);
            // A cursor is the subscriber's own word: never trust it past the write position or below zero.
            long lag = Math.Clamp(writePosition - cursor, 0, Math.Max(0, writePosition));
            subscribers.Add(new SubscriberCursor(ProcessIdentity.PidOf(owner), ProcessIdentity.IsAlive(owner), cursor, lag));
        }
        long? slowest = subscribers.Count == 0 ? null : subscribers.Max(s => s.Lag);
        var notes = new List<string> { ParticipantInspection.LazyRecordsNote };
        if (mode == ShmPubSubMode.Overwrite)
            notes.Add(OverwriteNote);
        // A broadcast ring is never "full" in overwrite mode; in backpressure mode the slowest subscriber's lag is its fill.
        return new SegmentSnapshot(description, mode == ShmPubSubMode.Backpressure ? slowest ?? 0 : null,
            mode == ShmPubSubMode.Backpressure ? capacity : null, "messages behind", metrics, tally.ToUsers(), lockOwner, subscribers, notes);
    }
}
