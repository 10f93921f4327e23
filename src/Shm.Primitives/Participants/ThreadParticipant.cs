using System.Runtime.CompilerServices;
using L = Shm.Primitives.Participants.ParticipantRecordLayout;

namespace Shm.Primitives.Participants;

/// <summary>
/// This thread's record in one segment's participant table, plus the process-local state recovery keeps per
/// thread (which stuck position it is watching and since when). Only the owning thread uses it.
/// </summary>
internal sealed unsafe class ThreadParticipant
{
    public ThreadParticipant(ParticipantTable table, byte* record)
    {
        Table = table;
        Record = record;
    }

    /// <summary>The table this record belongs to; null once the instance released it (dispose), so cached lookups miss.</summary>
    public ParticipantTable? Table { get; set; }

    public byte* Record { get; }

    /// <summary>The position of this thread's last failed Try (cheap repeat counting before any real check).</summary>
    public long WatchPosition = -1;

    /// <summary>Whether <see cref="WatchPosition"/> failed as full (true) or empty (false).</summary>
    public bool WatchFull;

    /// <summary>Consecutive failed Tries at <see cref="WatchPosition"/>.</summary>
    public int WatchHits;

    /// <summary>A position this thread found taken but not committed, or -1.</summary>
    public long SuspectPosition = -1;

    /// <summary>Whether <see cref="SuspectPosition"/> is a consumer's (true) or a producer's (false) claim.</summary>
    public bool SuspectConsumerSide;

    /// <summary>Stopwatch timestamp when <see cref="SuspectPosition"/> was first seen stuck.</summary>
    public long SuspectSince;

    /// <summary>Stopwatch timestamp of this thread's last recovery scan (they are rate-limited).</summary>
    public long LastRecoveryScan;

    /// <summary>
    /// Announces the slots this thread is about to take. Plain store: the CAS that follows is a full fence, so
    /// any process that sees the CAS's effect also sees this announcement.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Announce(ulong claim) => Volatile.Write(ref *(ulong*)(Record + L.ClaimOffset), claim);

    /// <summary>Announces a batch: count first, so a reader that sees the claim sees its count.</summary>
    public void AnnounceBatch(ulong claim, uint count)
    {
        Volatile.Write(ref *(uint*)(Record + L.ClaimCountOffset), count);
        Volatile.Write(ref *(ulong*)(Record + L.ClaimOffset), claim);
    }

    /// <summary>After the last commit. A crash before it leaves a claim on committed slots, which recovery ignores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ClearClaim() => Volatile.Write(ref *(ulong*)(Record + L.ClaimOffset), 0);

    public void ClearBatchClaim()
    {
        Volatile.Write(ref *(ulong*)(Record + L.ClaimOffset), 0);
        Volatile.Write(ref *(uint*)(Record + L.ClaimCountOffset), 1);
    }

    /// <summary>A per-thread statistic; only this thread writes it, readers sum all records.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref long Counter(int index) => ref *(long*)(Record + L.CountersOffset + index * sizeof(long));

    public ref uint ConsumerWaits => ref *(uint*)(Record + L.ConsumerWaitsOffset);

    public ref uint ProducerWaits => ref *(uint*)(Record + L.ProducerWaitsOffset);

    /// <summary>The address of <see cref="ConsumerWaits"/> or <see cref="ProducerWaits"/>.</summary>
    public uint* WaitsCounter(bool consumerSide) => (uint*)(Record + (consumerSide ? L.ConsumerWaitsOffset : L.ProducerWaitsOffset));
}
