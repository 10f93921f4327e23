namespace Shm.Primitives.Segments;

/// <summary>What a segment holds; stored in the header so a queue is never opened as a pub/sub.</summary>
internal enum SegmentKind : uint
{
    Queue = 1,
    ByteQueue = 2,
    PubSub = 3,
    BytePubSub = 4,
    ReqRep = 5,
    Directory = 6,
}
