using Shm.Primitives;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;

namespace Shm.Node.Membership;

// The node directory of one actor system: one segment per system (named "<system>.nodes" in the segment
// directory), layout version 1, little-endian. Joins and leaves are serialised by a robust mutex; readers take it
// too (they are rare: one snapshot per node per membership tick).
//
//  offset        size      field                written by          meaning
//       0         128      SegmentHeader        creator, once       Capacity = node records
//     128          40      Mutex                joiners, leavers    glibc robust process-shared pthread mutex
//     168           4      ChangeSequence       lock holder         bumped on every join, leave and takeover
//     176           8      NextIncarnation      lock holder         the incarnation the next join gets (starts at 1)
//     256    N × 256       Records              lock holder         see below
//
//  Record:
//       0           4      State                0 free, 1 up
//       4           4      NameLength           bytes of Name (1..64)
//       8           8      Owner                (startTime << 22 | pid) of the node's process
//      16           8      Incarnation          unique per join of this directory: a restarted node gets a new one
//      24           4      InboxNameLength      bytes of InboxName (1..128)
//      28           4      (reserved)
//      32          64      Name                 the node's name, UTF-8
//      96         128      InboxName            the segment name of the node's inbox (a ShmByteQueue), UTF-8
//     224          32      (reserved)
//
// Every length is checked before use; a record whose lengths are out of range is treated as free.
internal static class NodeDirectoryLayout
{
    public const uint Version = 1;
    public const int MutexOffset = CacheLine.PairSize;
    public const int ChangeSequenceOffset = MutexOffset + RobustMutex.Size;
    public const int NextIncarnationOffset = ChangeSequenceOffset + 8;
    public const int RecordsOffset = 2 * CacheLine.PairSize;
    public const int RecordSize = 256;
    public const int Records = 64;

    public const int StateOffset = 0;
    public const int NameLengthOffset = 4;
    public const int OwnerOffset = 8;
    public const int IncarnationOffset = 16;
    public const int InboxNameLengthOffset = 24;
    public const int NameOffset = 32;
    public const int MaxNameBytes = 64;
    public const int InboxNameOffset = 96;
    public const int MaxInboxNameBytes = 128;

    public const uint StateFree = 0;
    public const uint StateUp = 1;

    public static long TotalSize(long records) => records is < 1 or > 4096 ? -1 : RecordsOffset + records * RecordSize;
}

/// <summary>Creates, validates and initialises node directory segments.</summary>
internal sealed unsafe class NodeDirectoryLayoutRules : SegmentLayoutRules
{
    public static readonly NodeDirectoryLayoutRules Instance = new();

    public override SegmentKind Kind => SegmentKind.Directory;

    public override uint Version => NodeDirectoryLayout.Version;

    public override ElementType Element => ElementType.None;

    public override string DisplayName => "ShmNodeDirectory";

    public override long ComputeTotalSize(long capacity, long parameter1, long parameter2) =>
        parameter1 != 0 || parameter2 != 0 ? -1 : NodeDirectoryLayout.TotalSize(capacity);

    public override string DescribeValidGeometry() => "1..4096 node records";

    public SegmentGeometry Geometry() =>
        new(Kind, Version, Element, NodeDirectoryLayout.Records, 0, 0, NodeDirectoryLayout.TotalSize(NodeDirectoryLayout.Records));

    public override void Initialize(byte* segmentBase, in SegmentGeometry geometry)
    {
        RobustMutex.Initialize(segmentBase + NodeDirectoryLayout.MutexOffset);
        *(long*)(segmentBase + NodeDirectoryLayout.NextIncarnationOffset) = 1;
    }
}
