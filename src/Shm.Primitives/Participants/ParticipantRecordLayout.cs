namespace Shm.Primitives.Participants;

// One participant record: a thread of a process using a segment. 128 bytes (one pair), written only by the
// owning thread except Owner (CAS by claimers and reapers) and the counters (zeroed by a reaper after death).
//
//  offset  size  field          written by              meaning
//       0     8  Owner          claimer / reaper (CAS)  0 free; (startTime << 22 | pid) in use;
//                                                       ReapingBit | reaper's owner while a reaper cleans it
//       8     8  Claim          owner thread            position | ActiveBit | ConsumerBit while it owns slots
//                                                       it has not committed/released; 0 otherwise
//      16     4  ClaimCount     owner thread            slots covered by Claim (1 unless a batch)
//      20     4  (reserved)
//      24     4  ConsumerWaits  owner thread (atomic)   sleepers this record added to the global consumer count
//      28     4  ProducerWaits  owner thread (atomic)   same for producers
//      32    80  Counters[10]   owner thread            per-thread statistics, summed on read
//     112    16  (reserved)
//
// The Claim protocol: the owner writes ClaimCount (batches only) and then Claim before the CAS that takes the
// slots, and clears Claim after the last commit. So a slot that is taken but not committed is always covered by
// the Claim of the record of the thread that took it: recovery reads the records to learn whose it is.
internal static class ParticipantRecordLayout
{
    public const int Size = CacheLine.PairSize;
    public const int OwnerOffset = 0;
    public const int ClaimOffset = OwnerOffset + sizeof(ulong);
    public const int ClaimCountOffset = ClaimOffset + sizeof(ulong);
    public const int ConsumerWaitsOffset = ClaimCountOffset + 2 * sizeof(uint);
    public const int ProducerWaitsOffset = ConsumerWaitsOffset + sizeof(uint);
    public const int CountersOffset = ProducerWaitsOffset + sizeof(uint);
    public const int CounterCount = 10;

    public const ulong ReapingBit = 1UL << 63;
    public const ulong ActiveBit = 1UL << 63;
    public const ulong ConsumerBit = 1UL << 62;
    public const ulong PositionMask = ConsumerBit - 1;

    /// <summary>Records a segment gets unless its kind asks otherwise.</summary>
    public const int DefaultRecordCount = 256;
}
