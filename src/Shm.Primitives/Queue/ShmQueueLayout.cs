using Shm.Primitives.Participants;
using Shm.Primitives.Segments;

namespace Shm.Primitives.Queue;

// ShmQueue<T> segment, layout version 1, little-endian. A "pair" is 128 bytes (two cache lines): words that
// different sides write each get a pair of their own.
//
//  offset        size          field                 written by               meaning
//       0         128          SegmentHeader         creator, once            SegmentHeaderLayout; Capacity = slots,
//                                                                             Parameter1 = participant records
//     128           8          TailPosition          producers (CAS)          next position a producer claims (own pair)
//     256           8          HeadPosition          consumers (CAS)          next position a consumer claims (own pair)
//     384           4          ConsumerWakeSequence  producers (atomic)       futex word consumers sleep on
//     388           4          ConsumerWaiters       consumers (atomic)       consumers registered to sleep (own pair)
//     512           4          ProducerWakeSequence  consumers (atomic)       futex word producers sleep on
//     516           4          ProducerWaiters       producers (atomic)       producers registered to sleep (own pair)
//     640          80          RetiredCounters[10]   releasers, reapers       statistics of records freed so far
//     768    R × 128           Participants          see ParticipantRecordLayout (R = Parameter1)
//  768+R×128  C × SlotSize     Slots                 see below (C = Capacity, a power of two)
//
//  Slot (SlotSize = 8 + ElementSize rounded up to 8):
//    0  8  Sequence  == position            free for the producer of that position
//                    == position + 1        committed, ready for the consumer of that position
//                    == (position + 1) | SkipBit   a tombstone: its producer died after claiming; the consumer
//                                           of that position takes it and drops it
//                    == position + Capacity released, free for the producer one lap later
//    8  E  Value     written by the producer between its claim and its commit
internal static class ShmQueueLayout
{
    public const uint Version = 1;
    public const int TailPositionOffset = 1 * CacheLine.PairSize;
    public const int HeadPositionOffset = 2 * CacheLine.PairSize;
    public const int ConsumerWakeSequenceOffset = 3 * CacheLine.PairSize;
    public const int ConsumerWaitersOffset = ConsumerWakeSequenceOffset + sizeof(uint);
    public const int ProducerWakeSequenceOffset = 4 * CacheLine.PairSize;
    public const int ProducerWaitersOffset = ProducerWakeSequenceOffset + sizeof(uint);
    public const int RetiredCountersOffset = 5 * CacheLine.PairSize;
    public const int ParticipantsOffset = 6 * CacheLine.PairSize;

    public const int SequenceSize = sizeof(long);
    public const long SkipBit = long.MinValue; // bit 63, the tombstone mark; compare sequences through Unmarked

    /// <summary>
    /// The position a sequence speaks of, with a tombstone's mark removed. Every comparison of a sequence with a
    /// position goes through this: unmarked, bit 63 makes a difference overflow (the previous lap's tombstone would
    /// read as a later claim instead of "not yet released").
    /// </summary>
    public static long Unmarked(long sequence) => sequence & ~SkipBit;

    public const int MinCapacity = 2;
    public const long MaxCapacity = 1L << 31;
    public const int MaxElementSize = 64 * 1024;
    public const int MinParticipants = 16;
    public const int MaxParticipants = 4096;

    public static int SlotSize(int elementSize) => SequenceSize + ((elementSize + 7) & ~7);

    public static long SlotsOffset(long participantCount) => ParticipantsOffset + participantCount * ParticipantRecordLayout.Size;

    /// <summary>Total bytes, or -1 when the geometry is impossible (used to validate a header).</summary>
    public static long TotalSize(long capacity, long participantCount, int elementSize)
    {
        if (capacity < MinCapacity || capacity > MaxCapacity || (capacity & (capacity - 1)) != 0)
            return -1;
        if (participantCount < MinParticipants || participantCount > MaxParticipants)
            return -1;
        if (elementSize < 1 || elementSize > MaxElementSize)
            return -1;
        return SlotsOffset(participantCount) + capacity * SlotSize(elementSize);
    }
}

/// <summary>The index of each per-thread statistic in a participant record's counters.</summary>
internal static class QueueCounter
{
    public const int Enqueued = 0;
    public const int Dequeued = 1;
    public const int Full = 2;
    public const int Empty = 3;
    public const int Recoveries = 4;
}

/// <summary>Creates, validates and initialises ShmQueue segments for one element type.</summary>
internal sealed unsafe class ShmQueueLayoutRules<T> : SegmentLayoutRules where T : unmanaged
{
    public static readonly ShmQueueLayoutRules<T> Instance = new();

    public override SegmentKind Kind => SegmentKind.Queue;

    public override uint Version => ShmQueueLayout.Version;

    public override ElementType Element { get; } = ElementType.Of<T>();

    public override string DisplayName => "ShmQueue<" + typeof(T).Name + ">";

    public override long ComputeTotalSize(long capacity, long parameter1, long parameter2) =>
        parameter2 != 0 ? -1 : ShmQueueLayout.TotalSize(capacity, parameter1, Element.Size);

    public override string DescribeValidGeometry() =>
        $"a power-of-two capacity in {ShmQueueLayout.MinCapacity}..{ShmQueueLayout.MaxCapacity}, {ShmQueueLayout.MinParticipants}..{ShmQueueLayout.MaxParticipants} participant records";

    public SegmentGeometry Geometry(long capacity)
    {
        long participants = ParticipantRecordLayout.DefaultRecordCount;
        return new SegmentGeometry(Kind, Version, Element, capacity, participants, 0, ShmQueueLayout.TotalSize(capacity, participants, Element.Size));
    }

    public override void Initialize(byte* segmentBase, in SegmentGeometry geometry)
    {
        // Every slot starts free for its first-lap position: Sequence[i] = i. Tail, head and counters start at 0.
        int slotSize = ShmQueueLayout.SlotSize(Element.Size);
        byte* slots = segmentBase + ShmQueueLayout.SlotsOffset(geometry.Parameter1);
        for (long i = 0; i < geometry.Capacity; i++)
            *(long*)(slots + i * slotSize) = i;
        ParticipantTable.Initialize(segmentBase + ShmQueueLayout.ParticipantsOffset, (int)geometry.Parameter1);
    }
}
