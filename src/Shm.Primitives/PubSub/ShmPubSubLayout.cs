using Shm.Primitives.Participants;
using Shm.Primitives.Segments;

namespace Shm.Primitives.PubSub;

// ShmPubSub<T> segment, layout version 1, little-endian. A "pair" is 128 bytes (two cache lines).
//
//  offset        size        field                 written by             meaning
//       0         128        SegmentHeader         creator, once          Capacity = slots (power of two),
//                                                                         Parameter1 = participant records,
//                                                                         Parameter2 = ShmPubSubMode
//     128           8        WritePosition         publishers (CAS)       next position to publish (own pair)
//     256           4        WakeSequence          publishers (atomic)    futex word subscribers sleep on
//     260           4        Waiters               subscribers (atomic)   registered sleeping subscribers (own pair)
//     384           4        (publisher wake word, reserved for backpressure mode)
//     512          80        RetiredCounters[10]   releasers, reapers     statistics of freed participant records
//     640     R × 128        Participants          see ParticipantRecordLayout (publisher claims, statistics)
//  640+R×128     4096        Subscribers           SubscriberTable: registered subscribers (backpressure mode)
//       S     C × SlotSize   Slots                 see below
//
//  Slot (SlotSize = 8 + ElementSize rounded up to 8): Sequence | Value.
//    Sequence == 2p + 2   the value of position p is committed there
//             == 2p + 1   the publisher of position p is writing it
//             == 2p       position p was abandoned (its publisher died mid-write): not a value, free to reuse
//             == 0        never written
//  A publisher of position p may only move a slot forward: from an even sequence below 2p + 1 to 2p + 1 (CAS),
//  then from 2p + 1 to 2p + 2 (CAS). A late publisher finds a newer sequence and drops its message; it can
//  never overwrite a newer one. A slot left at 2q + 1 by a live slow publisher is not taken over (the newer
//  publisher drops instead: publishing never blocks); one left by a dead publisher is abandoned first.
//  Readers of position p accept only Sequence == 2p + 2, read the value, and re-read Sequence (seqlock).
internal static class ShmPubSubLayout
{
    public const uint Version = 1;
    public const int WritePositionOffset = 1 * CacheLine.PairSize;
    public const int WakeSequenceOffset = 2 * CacheLine.PairSize;
    public const int WaitersOffset = WakeSequenceOffset + sizeof(uint);
    public const int PublisherWakeSequenceOffset = 3 * CacheLine.PairSize;
    public const int PublisherWaitersOffset = PublisherWakeSequenceOffset + sizeof(uint);
    public const int RetiredCountersOffset = 4 * CacheLine.PairSize;
    public const int ParticipantsOffset = 5 * CacheLine.PairSize;

    public const int SequenceSize = sizeof(long);
    public const long MinCapacity = 2;
    public const long MaxCapacity = 1L << 31;
    public const int MaxElementSize = 64 * 1024;

    public static int SlotSize(int elementSize) => SequenceSize + ((elementSize + 7) & ~7);

    public static long SubscribersOffset(long participants) => ParticipantsOffset + participants * ParticipantRecordLayout.Size;

    public static long SlotsOffset(long participants) => SubscribersOffset(participants) + SubscriberTable.Size;

    public static long Committed(long position) => 2 * position + 2;

    public static long Writing(long position) => 2 * position + 1;

    public static long Abandoned(long position) => 2 * position;

    public static long TotalSize(long capacity, long participants, int elementSize)
    {
        if (capacity < MinCapacity || capacity > MaxCapacity || (capacity & (capacity - 1)) != 0)
            return -1;
        if (participants < 16 || participants > 4096 || elementSize < 1 || elementSize > MaxElementSize)
            return -1;
        return SlotsOffset(participants) + capacity * SlotSize(elementSize);
    }
}

/// <summary>The index of each per-thread statistic of a pub/sub segment in a participant record's counters.</summary>
internal static class PubSubCounter
{
    public const int Published = 0;
    public const int Dropped = 1;
    public const int Abandoned = 2;
}

/// <summary>Creates, validates and initialises ShmPubSub segments for one element type.</summary>
internal sealed unsafe class ShmPubSubLayoutRules<T> : SegmentLayoutRules where T : unmanaged
{
    public static readonly ShmPubSubLayoutRules<T> Instance = new();

    public override SegmentKind Kind => SegmentKind.PubSub;

    public override uint Version => ShmPubSubLayout.Version;

    public override ElementType Element { get; } = ElementType.Of<T>();

    public override string DisplayName => "ShmPubSub<" + typeof(T).Name + ">";

    public override long ComputeTotalSize(long capacity, long parameter1, long parameter2) =>
        parameter2 is not ((long)ShmPubSubMode.Overwrite or (long)ShmPubSubMode.Backpressure) ? -1 : ShmPubSubLayout.TotalSize(capacity, parameter1, Element.Size);

    public override string DescribeValidGeometry() =>
        $"a power-of-two capacity in {ShmPubSubLayout.MinCapacity}..{ShmPubSubLayout.MaxCapacity} and 16..4096 participant records";

    public SegmentGeometry Geometry(long capacity, ShmPubSubMode mode)
    {
        long participants = ParticipantRecordLayout.DefaultRecordCount;
        return new SegmentGeometry(Kind, Version, Element, capacity, participants, (long)mode, ShmPubSubLayout.TotalSize(capacity, participants, Element.Size));
    }

    public override void Initialize(byte* segmentBase, in SegmentGeometry geometry) =>
        ParticipantTable.Initialize(segmentBase + ShmPubSubLayout.ParticipantsOffset, (int)geometry.Parameter1);
}
