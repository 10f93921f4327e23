namespace Shm.Primitives.Segments;

// The header every Shm segment starts with, layout version 1, little-endian. 128 bytes (one pair), so the
// first hot word of any kind starts on a fresh pair.
//
//  offset  size  field              written by        meaning
//       0     8  Magic              creator, last     "SHMSEG\0\x01"; zero until the segment is fully initialised;
//                                                     "SHMTRUNC" once a truncation guard repaired its size
//       8     4  Version            creator, once     layout version of the kind; open fails on mismatch
//      12     4  Kind               creator, once     SegmentKind (queue, byte queue, pub/sub, ...)
//      16     4  ElementSize        creator, once     sizeof(T) for typed kinds, 0 otherwise
//      20     4  ElementTypeTag     creator, once     hash of the element type's name (0 for untyped kinds)
//      24     8  Capacity           creator, once     slots (a power of two) or arena bytes
//      32     8  TotalSize          creator, once     bytes the layout needs; must equal the file size
//      40     8  Parameter1         creator, once     kind-specific geometry (e.g. participant records)
//      48     8  Parameter2         creator, once     kind-specific geometry
//      56     4  CreatorProcessId   creator, once     diagnostics only, never trusted
//      60     4  (reserved)
//      64     8  CreatorStartTime   creator, once     diagnostics only
//      72     8  CreatedUnixMs      creator, once     diagnostics only
//      80    48  ElementTypeName    creator, once     UTF-8, NUL-padded, for error messages
//
// The creator writes every field, then the kind's own areas, then Magic with a release store (commit last):
// a reader that sees the magic sees a complete segment. Creation runs under flock(LOCK_EX) on the file, so
// an opener either waits for the creator or finds a creator that died (magic still zero).
internal static class SegmentHeaderLayout
{
    public const ulong Magic = 0x0100_4745_534D_4853; // "SHMSEG\0\x01" read as a little-endian ulong
    public const ulong TruncatedMagic = 0x434E_5552_544D_4853; // "SHMTRUNC" read as a little-endian ulong
    public const int MagicOffset = 0;
    public const int VersionOffset = MagicOffset + sizeof(ulong);
    public const int KindOffset = VersionOffset + sizeof(uint);
    public const int ElementSizeOffset = KindOffset + sizeof(uint);
    public const int ElementTypeTagOffset = ElementSizeOffset + sizeof(uint);
    public const int CapacityOffset = ElementTypeTagOffset + sizeof(uint);
    public const int TotalSizeOffset = CapacityOffset + sizeof(ulong);
    public const int Parameter1Offset = TotalSizeOffset + sizeof(ulong);
    public const int Parameter2Offset = Parameter1Offset + sizeof(ulong);
    public const int CreatorProcessIdOffset = Parameter2Offset + sizeof(ulong);
    public const int CreatorStartTimeOffset = CreatorProcessIdOffset + 2 * sizeof(uint);
    public const int CreatedUnixMsOffset = CreatorStartTimeOffset + sizeof(ulong);
    public const int ElementTypeNameOffset = CreatedUnixMsOffset + sizeof(long);
    public const int ElementTypeNameSize = 48;
    public const int Size = CacheLine.PairSize;
}
