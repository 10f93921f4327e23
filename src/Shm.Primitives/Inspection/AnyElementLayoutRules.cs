using Shm.Primitives.ByteQueue;
using Shm.Primitives.PubSub;
using Shm.Primitives.Queue;
using Shm.Primitives.ReqRep;
using Shm.Primitives.Segments;

namespace Shm.Primitives.Inspection;

/// <summary>
/// Layout rules that accept whatever element type a header names, so an inspector can validate a typed segment
/// (a queue of some struct it has never heard of) through the segment layer without the type. They only open:
/// a segment is never created with them.
/// </summary>
internal static class AnyElementLayoutRules
{
    /// <summary>The rules that validate a segment of this header's kind and element type, or null for a kind Shm.Primitives does not own.</summary>
    public static SegmentLayoutRules? For(SegmentHeaderInfo header)
    {
        var element = new ElementType(header.ElementSize, header.ElementTypeTag, header.ElementTypeName.Length == 0 ? "(unnamed)" : header.ElementTypeName);
        return header.Kind switch
        {
            SegmentKind.Queue => new TypedQueueRules(element),
            SegmentKind.ByteQueue => ShmByteQueueLayoutRules.Instance,
            SegmentKind.PubSub => new TypedPubSubRules(element),
            SegmentKind.BytePubSub => ShmBytePubSubLayoutRules.Instance,
            SegmentKind.ReqRep when header.ElementSize == 0 => ShmReqRepLayoutRules.Instance,
            SegmentKind.ReqRep => new TypedReqRepRules(element),
            _ => null,
        };
    }

    private static void RefuseCreation() =>
        throw new InvalidOperationException("Inspection rules only open existing segments; they never create one.");

    /// <summary>ShmQueue&lt;T&gt; for an unknown T: the header's element size and tag stand in for sizeof(T) and its name.</summary>
    private sealed unsafe class TypedQueueRules(ElementType element) : SegmentLayoutRules
    {
        public override SegmentKind Kind => SegmentKind.Queue;

        public override uint Version => ShmQueueLayout.Version;

        public override ElementType Element => element;

        public override string DisplayName => "ShmQueue<" + element.Name + ">";

        public override long ComputeTotalSize(long capacity, long parameter1, long parameter2) =>
            parameter2 != 0 ? -1 : ShmQueueLayout.TotalSize(capacity, parameter1, element.Size);

        public override string DescribeValidGeometry() =>
            $"a power-of-two capacity in {ShmQueueLayout.MinCapacity}..{ShmQueueLayout.MaxCapacity}, {ShmQueueLayout.MinParticipants}..{ShmQueueLayout.MaxParticipants} participant records";

        public override void Initialize(byte* segmentBase, in SegmentGeometry geometry) => RefuseCreation();
    }

    /// <summary>ShmPubSub&lt;T&gt; for an unknown T.</summary>
    private sealed unsafe class TypedPubSubRules(ElementType element) : SegmentLayoutRules
    {
        public override SegmentKind Kind => SegmentKind.PubSub;

        public override uint Version => ShmPubSubLayout.Version;

        public override ElementType Element => element;

        public override string DisplayName => "ShmPubSub<" + element.Name + ">";

        public override long ComputeTotalSize(long capacity, long parameter1, long parameter2) =>
            parameter2 is not ((long)ShmPubSubMode.Overwrite or (long)ShmPubSubMode.Backpressure) ? -1 : ShmPubSubLayout.TotalSize(capacity, parameter1, element.Size);

        public override string DescribeValidGeometry() =>
            $"a power-of-two capacity in {ShmPubSubLayout.MinCapacity}..{ShmPubSubLayout.MaxCapacity} and 16..4096 participant records";

        public override void Initialize(byte* segmentBase, in SegmentGeometry geometry) => RefuseCreation();
    }

    /// <summary>ShmReqRep&lt;TReq,TResp&gt; for unknown types: the request queue is a typed queue of the header's element.</summary>
    private sealed unsafe class TypedReqRepRules(ElementType element) : ReqRepLayoutRules
    {
        private readonly TypedQueueRules _queueRules = new(element);

        public override ElementType Element => element;

        public override string DisplayName => "ShmReqRep<" + element.Name + ">";

        protected override SegmentLayoutRules QueueRules => _queueRules;

        protected override SegmentGeometry QueueGeometry(long capacity, long participants, long arenaBytes) =>
            new(SegmentKind.Queue, ShmQueueLayout.Version, element, capacity, participants, arenaBytes,
                ShmQueueLayout.TotalSize(capacity, participants, element.Size));

        public override void Initialize(byte* segmentBase, in SegmentGeometry geometry) => RefuseCreation();
    }
}
