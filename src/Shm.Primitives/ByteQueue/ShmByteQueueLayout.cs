using Shm.Primitives.Participants;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;

namespace Shm.Primitives.ByteQueue;

// ShmByteQueue segment, layout version 1, little-endian. A "pair" is 128 bytes (two cache lines).
//
//  offset        size        field                 written by            meaning
//       0         128        SegmentHeader         creator, once         Capacity = descriptor slots (power of two),
//                                                                        Parameter1 = participant records,
//                                                                        Parameter2 = arena bytes
//     128          40        Mutex                 lock holders          glibc robust process-shared pthread mutex
//     168           4        JournalState          holder                0 idle, 1 pending: the Journal below holds the
//                                                                        committed new values of the four state fields
//     172           4        JournalOperation      holder                which operation wrote the journal (diagnostics)
//     192           8        HeadPosition          holder                position of the oldest message (may go below 0:
//                                                                        TryEnqueueFront moves it back)
//     200           8        TailPosition          holder                position after the newest message
//     208           8        ArenaStart            holder                arena offset where the occupied region begins
//     216           8        ArenaUsed             holder                bytes of the occupied region (messages + gaps)
//     224          32        Journal               holder                HeadPosition, TailPosition, ArenaStart, ArenaUsed
//  (everything the lock holder touches besides descriptors and payloads shares the pair at 128: one miss, not three)
//     384           4        ConsumerWakeSequence  producers (atomic)    futex word consumers sleep on
//     388           4        ConsumerWaiters       consumers (atomic)    registered sleeping consumers (own pair)
//     512           4        ProducerWakeSequence  consumers (atomic)    futex word producers sleep on
//     516           4        ProducerWaiters       producers (atomic)    registered sleeping producers (own pair)
//     640          80        RetiredCounters[10]   releasers, reapers    statistics of freed participant records
//     768     R × 128        Participants          see ParticipantRecordLayout (statistics and sleeper counts)
//       D      C × 24        Descriptors           holder                slot = position & (C - 1); see below
//       A      ArenaBytes    Arena                 holder                message bytes; D and A are pair-aligned
//
//  Descriptor: Offset (8, arena offset of the payload) | Length (8) | Reserved (8): bytes of the
//  occupied region this message accounts for: its length rounded up to 8, plus the gap it skipped when it
//  wrapped (a push at the back that did not fit before the arena's end leaves a gap before it; a push at the
//  front that did not fit after offset 0 leaves a gap after it).
//
//  The occupied region is [ArenaStart, ArenaStart + ArenaUsed) modulo ArenaBytes and holds the messages from
//  head to tail in order. Every operation writes its payload and descriptors into free space first, then
//  writes the new values of the four state fields into the journal and sets JournalState (the commit), then
//  applies them and clears JournalState. A holder killed before the commit changed nothing visible; after it,
//  the next holder (EOWNERDEAD) re-applies the journal: every operation is either rolled back or completed.
internal static class ShmByteQueueLayout
{
    public const uint Version = 1;
    public const int MutexOffset = 1 * CacheLine.PairSize;
    public const int JournalStateOffset = MutexOffset + RobustMutex.Size;
    public const int JournalOperationOffset = JournalStateOffset + sizeof(uint);
    public const int HeadPositionOffset = MutexOffset + CacheLine.Size;
    public const int TailPositionOffset = HeadPositionOffset + sizeof(long);
    public const int ArenaStartOffset = TailPositionOffset + sizeof(long);
    public const int ArenaUsedOffset = ArenaStartOffset + sizeof(long);
    public const int JournalOffset = ArenaUsedOffset + sizeof(long);
    public const int ConsumerWakeSequenceOffset = 3 * CacheLine.PairSize;
    public const int ConsumerWaitersOffset = ConsumerWakeSequenceOffset + sizeof(uint);
    public const int ProducerWakeSequenceOffset = 4 * CacheLine.PairSize;
    public const int ProducerWaitersOffset = ProducerWakeSequenceOffset + sizeof(uint);
    public const int RetiredCountersOffset = 5 * CacheLine.PairSize;
    public const int ParticipantsOffset = 6 * CacheLine.PairSize;

    public const int DescriptorSize = 24;
    public const int DescriptorOffsetOffset = 0;
    public const int DescriptorLengthOffset = 8;
    public const int DescriptorReservedOffset = 16;

    public const uint JournalIdle = 0;
    public const uint JournalPending = 1;

    public const int MessageAlignment = 8;
    public const long MinCapacity = 2;
    public const long MaxCapacity = 1L << 24;
    public const long MinArenaBytes = 4096;
    public const long MaxArenaBytes = 1L << 32;
    public const long DefaultArenaBytesPerMessage = 256;

    public static long DescriptorsOffset(long participants) => ParticipantsOffset + participants * ParticipantRecordLayout.Size;

    public static long ArenaOffset(long capacity, long participants) =>
        CacheLine.RoundUpToPair(DescriptorsOffset(participants) + capacity * DescriptorSize);

    public static long AlignMessage(long length) => (length + MessageAlignment - 1) & ~(long)(MessageAlignment - 1);

    /// <summary>Total bytes, or -1 when the geometry is impossible.</summary>
    public static long TotalSize(long capacity, long participants, long arenaBytes)
    {
        if (capacity < MinCapacity || capacity > MaxCapacity || (capacity & (capacity - 1)) != 0)
            return -1;
        if (participants < 16 || participants > 4096)
            return -1;
        if (arenaBytes < MinArenaBytes || arenaBytes > MaxArenaBytes || arenaBytes % MessageAlignment != 0)
            return -1;
        return ArenaOffset(capacity, participants) + arenaBytes;
    }
}

/// <summary>The index of each per-thread statistic of a byte queue in a participant record's counters.</summary>
internal static class ByteQueueCounter
{
    public const int Enqueued = 0;
    public const int Dequeued = 1;
    public const int Full = 2;
    public const int Empty = 3;
    public const int Recoveries = 4;
}

/// <summary>Creates, validates and initialises ShmByteQueue segments.</summary>
internal sealed unsafe class ShmByteQueueLayoutRules : SegmentLayoutRules
{
    public static readonly ShmByteQueueLayoutRules Instance = new();

    public override SegmentKind Kind => SegmentKind.ByteQueue;

    public override uint Version => ShmByteQueueLayout.Version;

    public override ElementType Element => ElementType.None;

    public override string DisplayName => "ShmByteQueue";

    public override long ComputeTotalSize(long capacity, long parameter1, long parameter2) =>
        ShmByteQueueLayout.TotalSize(capacity, parameter1, parameter2);

    public override string DescribeValidGeometry() =>
        $"a power-of-two capacity in {ShmByteQueueLayout.MinCapacity}..{ShmByteQueueLayout.MaxCapacity} and an arena of {ShmByteQueueLayout.MinArenaBytes}..{ShmByteQueueLayout.MaxArenaBytes} bytes (a multiple of 8)";

    public SegmentGeometry Geometry(long capacity, long arenaBytes)
    {
        long participants = ParticipantRecordLayout.DefaultRecordCount;
        return new SegmentGeometry(Kind, Version, Element, capacity, participants, arenaBytes, ShmByteQueueLayout.TotalSize(capacity, participants, arenaBytes));
    }

    public override void Initialize(byte* segmentBase, in SegmentGeometry geometry)
    {
        // State, journal, counters and descriptors start zeroed (the file is zero-filled): empty queue, idle journal.
        RobustMutex.Initialize(segmentBase + ShmByteQueueLayout.MutexOffset);
        ParticipantTable.Initialize(segmentBase + ShmByteQueueLayout.ParticipantsOffset, (int)geometry.Parameter1);
    }
}
