using Shm.Primitives.Participants;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;

namespace Shm.Primitives.PubSub;

// ShmBytePubSub segment, layout version 2, little-endian. A "pair" is 128 bytes (two cache lines).
//
//  offset        size        field                 written by             meaning
//       0         128        SegmentHeader         creator, once          Capacity = slots (power of two),
//                                                                         Parameter1 = participant records,
//                                                                         Parameter2 = MaxMessageBytes | mode << 32
//     128           8        Lock                  publishers (CAS)       0 free, else the holder's (startTime << 22 | pid):
//                                                                         see ProcessLock (own pair)
//     256           8        WritePosition         lock holder            next position; advanced after the slot is
//                                                                         committed (the publish's commit)
//     384           4        WakeSequence          publishers (atomic)    futex word subscribers sleep on
//     388           4        Waiters               subscribers (atomic)   registered sleeping subscribers (own pair)
//     512           8        (reserved pair)
//     640          80        RetiredCounters[10]   releasers, reapers     statistics of freed participant records
//     768     R × 128        Participants          see ParticipantRecordLayout (statistics, sleeper counts)
//  768+R×128     4096        Subscribers           SubscriberTable: registered subscribers (backpressure mode)
//       S     C × SlotSize   Slots                 SlotSize = 16 + MaxMessageBytes rounded up to 8
//
//  Slot: Sequence (8: 2p + 1 while position p is written, 2p + 2 once committed) | Length (4) | (4) | Data.
//  Publishers hold the lock: mark the slot writing, copy length and data, commit the sequence, then advance
//  WritePosition (commit last). Readers take no lock: they read a position below WritePosition as a seqlock
//  (sequence, length, data, read barrier, sequence again) and check the length before copying.
//  Version 1 had a glibc robust mutex at 128: a different lock, so its segments are refused.
internal static class ShmBytePubSubLayout
{
    public const uint Version = 2;
    public const int LockOffset = 1 * CacheLine.PairSize;
    public const int WritePositionOffset = 2 * CacheLine.PairSize;
    public const int WakeSequenceOffset = 3 * CacheLine.PairSize;
    public const int WaitersOffset = WakeSequenceOffset + sizeof(uint);
    public const int ReservedWakeSequenceOffset = 4 * CacheLine.PairSize;
    public const int ReservedWaitersOffset = ReservedWakeSequenceOffset + sizeof(uint);
    public const int RetiredCountersOffset = 5 * CacheLine.PairSize;
    public const int ParticipantsOffset = 6 * CacheLine.PairSize;

    public const int SlotHeaderSize = 16;
    public const int LengthOffset = 8;
    public const int DefaultMaxMessageBytes = 256;
    public const int MaxMaxMessageBytes = 1 << 20;
    public const long MinCapacity = 2;
    public const long MaxCapacity = 1L << 24;

    public static long SlotSize(long maxMessageBytes) => SlotHeaderSize + ((maxMessageBytes + 7) & ~7L);

    public static long SubscribersOffset(long participants) => ParticipantsOffset + participants * ParticipantRecordLayout.Size;

    public static long SlotsOffset(long participants) => SubscribersOffset(participants) + SubscriberTable.Size;

    public static long Parameter2(int maxMessageBytes, ShmPubSubMode mode) => (uint)maxMessageBytes | ((long)mode << 32);

    public static int MaxMessageBytesOf(long parameter2) => (int)(parameter2 & 0xFFFFFFFF);

    public static ShmPubSubMode ModeOf(long parameter2) => (ShmPubSubMode)(parameter2 >> 32);

    public static long TotalSize(long capacity, long participants, long maxMessageBytes)
    {
        if (capacity < MinCapacity || capacity > MaxCapacity || (capacity & (capacity - 1)) != 0)
            return -1;
        if (participants < 16 || participants > 4096 || maxMessageBytes < 1 || maxMessageBytes > MaxMaxMessageBytes)
            return -1;
        return SlotsOffset(participants) + capacity * SlotSize(maxMessageBytes);
    }
}

/// <summary>Creates, validates and initialises ShmBytePubSub segments.</summary>
internal sealed unsafe class ShmBytePubSubLayoutRules : SegmentLayoutRules
{
    public static readonly ShmBytePubSubLayoutRules Instance = new();

    public override SegmentKind Kind => SegmentKind.BytePubSub;

    public override uint Version => ShmBytePubSubLayout.Version;

    public override ElementType Element => ElementType.None;

    public override string DisplayName => "ShmBytePubSub";

    public override long ComputeTotalSize(long capacity, long parameter1, long parameter2) =>
        Enum.IsDefined(ShmBytePubSubLayout.ModeOf(parameter2))
            ? ShmBytePubSubLayout.TotalSize(capacity, parameter1, ShmBytePubSubLayout.MaxMessageBytesOf(parameter2))
            : -1;

    public override string DescribeValidGeometry() =>
        $"a power-of-two capacity in {ShmBytePubSubLayout.MinCapacity}..{ShmBytePubSubLayout.MaxCapacity} and a maximum message size of 1..{ShmBytePubSubLayout.MaxMaxMessageBytes} bytes";

    public SegmentGeometry Geometry(long capacity, int maxMessageBytes, ShmPubSubMode mode)
    {
        long participants = ParticipantRecordLayout.DefaultRecordCount;
        return new SegmentGeometry(Kind, Version, Element, capacity, participants, ShmBytePubSubLayout.Parameter2(maxMessageBytes, mode),
            ShmBytePubSubLayout.TotalSize(capacity, participants, maxMessageBytes));
    }

    public override void Initialize(byte* segmentBase, in SegmentGeometry geometry)
    {
        // The lock word is 0 (free) in a new segment's zeroed memory.
        ParticipantTable.Initialize(segmentBase + ShmBytePubSubLayout.ParticipantsOffset, (int)geometry.Parameter1);
    }
}
