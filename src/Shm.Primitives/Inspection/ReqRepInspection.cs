using Shm.Primitives.ReqRep;
using Shm.Primitives.Segments;
using R = Shm.Primitives.ReqRep.ShmReqRepLayout;

namespace Shm.Primitives.Inspection;

/// <summary>Reads a ShmReqRep segment: its request queue, the response slots by state, registered servers and clients.</summary>
internal static unsafe class ReqRepInspection
{
    public static SegmentSnapshot Read(Segment segment, ReqRepLayoutRules rules)
    {
        ReqRepGeometry g = rules.Unpack(segment.Geometry);
        SegmentGeometry queue = g.Queue;
        bool typed = queue.Kind == SegmentKind.Queue;
        SegmentSnapshot requests = typed
            ? QueueInspection.Read(segment.Base, queue.Capacity, queue.Parameter1, segment.Name, "requests")
            : ByteQueueInspection.Read(segment.Base, queue.Capacity, queue.Parameter1, queue.Parameter2, segment.Name, "requests");

        byte* region = segment.Base + g.RegionOffset;
        var slots = new ResponseSlotTable(region, g.Slots, g.ResponseBytes, segment.Name);
        int[] states = slots.CountByState();
        // The request queue's counters are the channel's (ReqRepCounter shares the queue's indexes for requests and
        // received); the reply-side counters sit in the same participant records.
        var participants = typed
            ? new ParticipantInspection(segment.Base, Queue.ShmQueueLayout.ParticipantsOffset, queue.Parameter1, Queue.ShmQueueLayout.RetiredCountersOffset,
                Queue.ShmQueueLayout.ConsumerWaitersOffset, Queue.ShmQueueLayout.ProducerWaitersOffset, segment.Name)
            : new ParticipantInspection(segment.Base, ByteQueue.ShmByteQueueLayout.ParticipantsOffset, queue.Parameter1, ByteQueue.ShmByteQueueLayout.RetiredCountersOffset,
                ByteQueue.ShmByteQueueLayout.ConsumerWaitersOffset, ByteQueue.ShmByteQueueLayout.ProducerWaitersOffset, segment.Name);
        // The byte channel's inline lane keeps its own records (claims, and the requests and received it carried).
        ParticipantInspection? lane = g.Lane.Capacity == 0 ? null
            : new ParticipantInspection(segment.Base + g.LaneOffset, Queue.ShmQueueLayout.ParticipantsOffset, g.Lane.Parameter1,
                Queue.ShmQueueLayout.RetiredCountersOffset, Queue.ShmQueueLayout.ConsumerWaitersOffset, Queue.ShmQueueLayout.ProducerWaitersOffset, segment.Name);
        long laneQueued = lane is null ? 0
            : QueueInspection.Read(segment.Base + g.LaneOffset, g.Lane.Capacity, g.Lane.Parameter1, segment.Name, "inline requests").Used ?? 0;
        long Sum(int counter) => participants.Sum(counter) + (lane?.Sum(counter) ?? 0);
        var tally = new ProcessTally();
        participants.AddUsers(tally);
        lane?.AddUsers(tally);
        int liveServers = 0;
        for (int i = 1; i <= R.ServerRecordCount; i++)
        {
            if (slots.Members.IsServerAlive(i))
                liveServers++;
            tally.Add("server", Volatile.Read(ref *(ulong*)(region + R.ServersOffset + (i - 1) * R.RecordSize + R.OwnerOffset)));
        }
        for (int i = 1; i <= R.ClientRecordCount; i++)
            tally.Add("client", Volatile.Read(ref *(ulong*)(region + R.ClientsOffset + (i - 1) * R.RecordSize + R.OwnerOffset)));

        SegmentMetric[] metrics =
        [
            new("queued", (requests.Used ?? 0) + laneQueued, false),
            new("request_capacity", queue.Capacity, false),
            new("response_slots", g.Slots, false),
            new("response_bytes", g.ResponseBytes, false),
            new("slots_free", states[(int)SlotState.Free], false),
            new("slots_waiting", states[(int)SlotState.Acquired], false),
            new("slots_processing", states[(int)SlotState.Taken] + states[(int)SlotState.Writing], false),
            new("slots_ready", states[(int)SlotState.Ready], false),
            new("slots_failed", states[(int)SlotState.Failed], false),
            new("live_servers", liveServers, false),
            new("requests", Sum(ReqRepCounter.Requests), true),
            new("received", Sum(ReqRepCounter.Received), true),
            new("replies", Sum(ReqRepCounter.Replies), true),
            new("stale_replies", Sum(ReqRepCounter.StaleReplies), true),
            new("timeouts", Sum(ReqRepCounter.Timeouts), true),
            new("cancels", Sum(ReqRepCounter.Cancels), true),
            new("recoveries", Sum(ReqRepCounter.Recoveries) + slots.Members.ServerDeathCount, true),
        ];
        string description = typed ? "ShmReqRep<" + segment.Geometry.Element.Name + ">" : "ShmReqRep";
        long inFlight = g.Slots - states[(int)SlotState.Free];
        return new SegmentSnapshot(description, inFlight, g.Slots, "slots in use", metrics, tally.ToUsers(), requests.Lock, [], requests.Notes);
    }
}
