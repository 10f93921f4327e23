using Shm.Primitives.ByteQueue;
using Shm.Primitives.Participants;
using Shm.Primitives.Queue;
using Shm.Primitives.Segments;

namespace Shm.Primitives.ReqRep;

// ShmReqRep segment, layout version 2, little-endian. The request queue's own layout comes first, unchanged:
// ShmByteQueueLayout for ShmReqRepServer/ShmReqRepClient (requests are [RequestId 8][payload]),
// ShmQueueLayout of RequestCell<TReq,TResp> for the typed channel. The byte channel then has its inline lane at the
// next pair boundary (offset N): a ShmQueueLayout of InlineRequest (its 128-byte header part unused, its sleeper
// words unused: it sleeps and wakes on the byte queue's), as many participant records as the byte queue and a capacity
// of min(request capacity, response slots rounded up to a power of two). Requests nobody waits for any more can sit in
// either queue until a server, or a sender finding that queue full, drops them from its front (no layout of their own).
// The response region starts at the first pair boundary after the last queue (offset Q):
//
//  Header (shared with the queue): Kind = ReqRep, Capacity = request capacity,
//    Parameter1 = participant records | response slots << 16
//    Parameter2 = arena bytes (0 for typed) | response bytes per slot << 36
//
//  offset              size        field               written by            meaning
//  Q + 0                  4        SlotFreedSequence   freers (atomic)       futex word senders sleep on while no slot is free
//  Q + 4                  4        SlotWaiters         senders (atomic)      senders registered to sleep on it
//  Q + 8                  8        ServerDeaths        reapers (atomic)      dead server records freed so far
//  Q + 16                 4        LastServerExit      servers, reapers      0: the last server left cleanly (or none came),
//                                                                            1: it died (waiting clients fail at once)
//  Q + 128          64 × 64        Servers             see below             registered server instances
//  Q + 4224        256 × 64        Clients             see below             registered client instances
//  Q + 20608   S × SlotStride      Slots               see ResponseSlotTable; SlotStride = 16 + response bytes, rounded up to 64
//
//  Server record:  Owner (8): 0 free, else (startTime << 22 | pid) of the process; claimed by CAS.
//  Client record:  Owner (8) | DoorbellSequence (4, futex word the client's async waiter sleeps on)
//                  | DoorbellWaiters (4, non-zero while that waiter may sleep)
internal static class ShmReqRepLayout
{
    public const uint Version = 2;

    public const int SlotFreedSequenceOffset = 0;
    public const int SlotWaitersOffset = 4;
    public const int ServerDeathsOffset = 8;
    public const int LastServerExitOffset = 16;
    public const int ServersOffset = CacheLine.PairSize;
    public const int RecordSize = CacheLine.Size;
    public const int ServerRecordCount = 64;
    public const int ClientRecordCount = 256;
    public const int ClientsOffset = ServersOffset + ServerRecordCount * RecordSize;
    public const int SlotsOffset = ClientsOffset + ClientRecordCount * RecordSize;

    public const int OwnerOffset = 0;
    public const int DoorbellSequenceOffset = 8;
    public const int DoorbellWaitersOffset = 12;

    public const int SlotDataOffset = 16;
    public const int MaxResponseSlots = 32768;
    public const int MaxResponseBytes = 16 << 20;
    public const long MaxSlotRegionBytes = 1L << 32;

    private const int SlotsShift = 16;
    private const int ResponseBytesShift = 36;
    private const long ArenaMask = (1L << ResponseBytesShift) - 1;

    public static long SlotStride(long responseBytes) => (SlotDataOffset + responseBytes + CacheLine.Size - 1) & ~(long)(CacheLine.Size - 1);

    public static long RegionOffset(long queueTotalSize) => CacheLine.RoundUpToPair(queueTotalSize);

    /// <summary>Bytes of the response region, or -1 when the slot geometry is impossible.</summary>
    public static long RegionSize(long slots, long responseBytes)
    {
        if (slots < 1 || slots > MaxResponseSlots || responseBytes < 0 || responseBytes > MaxResponseBytes)
            return -1;
        long slotBytes = slots * SlotStride(responseBytes);
        return slotBytes > MaxSlotRegionBytes ? -1 : SlotsOffset + slotBytes;
    }

    /// <summary>Checks user-given slot geometry, naming the argument and the limit.</summary>
    public static void ValidateSlots(int responseSlots, int responseBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(responseSlots, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(responseSlots, MaxResponseSlots);
        ArgumentOutOfRangeException.ThrowIfNegative(responseBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(responseBytes, MaxResponseBytes);
        long total = responseSlots * SlotStride(responseBytes);
        if (total > MaxSlotRegionBytes)
            throw new ArgumentOutOfRangeException(nameof(responseSlots), responseSlots,
                $"{responseSlots} response slots of {responseBytes} bytes need {total} bytes; at most {MaxSlotRegionBytes} bytes of slots are allowed.");
    }

    public static long PackParameter1(long participants, long slots) => participants | (slots << SlotsShift);

    public static long PackParameter2(long arenaBytes, long responseBytes) => arenaBytes | (responseBytes << ResponseBytesShift);

    public static (long Participants, long Slots) UnpackParameter1(long value) => (value & 0xFFFF, value >> SlotsShift);

    public static (long ArenaBytes, long ResponseBytes) UnpackParameter2(long value) => (value & ArenaMask, value >> ResponseBytesShift);
}

/// <summary>The request queue's and the response region's geometry, as unpacked from a ReqRep header.</summary>
/// <remarks><see cref="Lane"/> is the byte channel's inline lane at <see cref="LaneOffset"/>; default (capacity 0) for the typed channel.</remarks>
internal readonly record struct ReqRepGeometry(SegmentGeometry Queue, long LaneOffset, SegmentGeometry Lane, long RegionOffset, int Slots, int ResponseBytes)
{
    /// <summary>
    /// Builds an endpoint over an attached segment: unpacks the geometry, checks it (<paramref name="check"/>), opens
    /// the request queue (and lane) over the segment's first part, then the endpoint. On failure everything opened is disposed
    /// (the queue owns the segment once it exists).
    /// </summary>
    public static TEndpoint Attach<TQueue, TEndpoint>(Segment segment, ReqRepLayoutRules rules, Action<ReqRepGeometry>? check,
        Func<Segment, ReqRepGeometry, TQueue> openQueue, Func<Segment, ReqRepGeometry, TQueue, TEndpoint> create)
        where TQueue : class, IDisposable
    {
        TQueue? queue = null;
        try
        {
            ReqRepGeometry geometry = rules.Unpack(segment.Geometry);
            check?.Invoke(geometry);
            queue = openQueue(segment, geometry);
            return create(segment, geometry, queue);
        }
        catch
        {
            if (queue is not null)
                queue.Dispose();
            else
                segment.Dispose();
            throw;
        }
    }
}

/// <summary>
/// Rules for a ReqRep segment: the request queue's rules (<see cref="QueueRules"/>) over the first part, a
/// response region after it.
/// </summary>
internal abstract unsafe class ReqRepLayoutRules : SegmentLayoutRules
{
    public sealed override SegmentKind Kind => SegmentKind.ReqRep;

    public sealed override uint Version => ShmReqRepLayout.Version;

    protected abstract SegmentLayoutRules QueueRules { get; }

    /// <summary>The queue part's geometry as the queue's own rules would write it.</summary>
    protected abstract SegmentGeometry QueueGeometry(long capacity, long participants, long arenaBytes);

    /// <summary>The inline lane's geometry, or default when the channel has none (the typed channel).</summary>
    protected virtual SegmentGeometry LaneGeometry(long capacity, long participants, long slots) => default;

    public ReqRepGeometry Unpack(in SegmentGeometry geometry)
    {
        (long participants, long slots) = ShmReqRepLayout.UnpackParameter1(geometry.Parameter1);
        (long arena, long responseBytes) = ShmReqRepLayout.UnpackParameter2(geometry.Parameter2);
        SegmentGeometry queue = QueueGeometry(geometry.Capacity, participants, arena);
        SegmentGeometry lane = LaneGeometry(geometry.Capacity, participants, slots);
        long laneOffset = ShmReqRepLayout.RegionOffset(queue.TotalSize);
        long regionOffset = lane.Capacity == 0 ? laneOffset : ShmReqRepLayout.RegionOffset(laneOffset + lane.TotalSize);
        return new ReqRepGeometry(queue, lane.Capacity == 0 ? 0 : laneOffset, lane, regionOffset, (int)slots, (int)responseBytes);
    }

    public override long ComputeTotalSize(long capacity, long parameter1, long parameter2)
    {
        if (parameter1 < 0 || parameter2 < 0)
            return -1;
        (long participants, long slots) = ShmReqRepLayout.UnpackParameter1(parameter1);
        (long arena, long responseBytes) = ShmReqRepLayout.UnpackParameter2(parameter2);
        long queue = QueueRules.ComputeTotalSize(capacity, participants, arena);
        long region = ShmReqRepLayout.RegionSize(slots, responseBytes);
        if (queue < 0 || region < 0)
            return -1;
        long queues = queue;
        SegmentGeometry lane = LaneGeometry(capacity, participants, slots);
        if (lane.Capacity != 0)
        {
            if (lane.TotalSize < 0)
                return -1;
            queues = ShmReqRepLayout.RegionOffset(queue) + lane.TotalSize;
        }
        return ShmReqRepLayout.RegionOffset(queues) + region;
    }

    public override string DescribeValidGeometry() =>
        $"{QueueRules.DescribeValidGeometry()}, 1..{ShmReqRepLayout.MaxResponseSlots} response slots of 0..{ShmReqRepLayout.MaxResponseBytes} bytes";

    public SegmentGeometry Geometry(long capacity, long arenaBytes, long slots, long responseBytes)
    {
        long participants = ParticipantRecordLayout.DefaultRecordCount;
        long p1 = ShmReqRepLayout.PackParameter1(participants, slots);
        long p2 = ShmReqRepLayout.PackParameter2(arenaBytes, responseBytes);
        return new SegmentGeometry(Kind, Version, Element, capacity, p1, p2, ComputeTotalSize(capacity, p1, p2));
    }

    public override void Initialize(byte* segmentBase, in SegmentGeometry geometry)
    {
        // The response region starts zeroed: every slot FREE at generation 0, every record free.
        ReqRepGeometry unpacked = Unpack(geometry);
        QueueRules.Initialize(segmentBase, unpacked.Queue);
        if (unpacked.Lane.Capacity != 0)
            ShmQueueLayoutRules<InlineRequest>.Instance.Initialize(segmentBase + unpacked.LaneOffset, unpacked.Lane);
    }
}

/// <summary>Rules of the byte channel (<see cref="ShmReqRepServer"/>, <see cref="ShmReqRepClient"/>).</summary>
internal sealed class ShmReqRepLayoutRules : ReqRepLayoutRules
{
    public static readonly ShmReqRepLayoutRules Instance = new();

    public override ElementType Element => ElementType.None;

    public override string DisplayName => "ShmReqRep";

    protected override SegmentLayoutRules QueueRules => ShmByteQueueLayoutRules.Instance;

    protected override SegmentGeometry QueueGeometry(long capacity, long participants, long arenaBytes) =>
        new(SegmentKind.ByteQueue, ShmByteQueueLayout.Version, ElementType.None, capacity, participants, arenaBytes,
            ShmByteQueueLayout.TotalSize(capacity, participants, arenaBytes));

    /// <summary>
    /// The lane holds as many requests as the byte queue, but no more than the response slots rounded up to a power of
    /// two: the requests waiting for a server each hold a slot, so they never fill it while a sender holds one. The
    /// rest of it can hold requests nobody waits for any more (cancelled, abandoned, cleared, or reclaimed from a dead
    /// client); servers drop those at receive, and a sender that finds the lane full drops them from its front or, when
    /// they sit behind a request still waited for, sends through the arena (ByteRequestQueue.TryEnqueue).
    /// </summary>
    protected override SegmentGeometry LaneGeometry(long capacity, long participants, long slots)
    {
        ElementType element = ElementType.Of<InlineRequest>();
        long laneCapacity = slots < 1 || slots > ShmReqRepLayout.MaxResponseSlots
            ? -1
            : Math.Min(capacity, Math.Max(ShmQueueLayout.MinCapacity, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)slots)));
        return new(SegmentKind.Queue, ShmQueueLayout.Version, element, laneCapacity, participants, 0,
            ShmQueueLayout.TotalSize(laneCapacity, participants, element.Size));
    }
}

/// <summary>Rules of the typed channel; the element type names both TReq and TResp, so a mismatch of either is refused.</summary>
internal sealed class ShmReqRepLayoutRules<TReq, TResp> : ReqRepLayoutRules
    where TReq : unmanaged
    where TResp : unmanaged
{
    public static readonly ShmReqRepLayoutRules<TReq, TResp> Instance = new();

    public override ElementType Element { get; } = ElementType.Of<RequestCell<TReq, TResp>>();

    public override string DisplayName => $"ShmReqRep<{typeof(TReq).Name},{typeof(TResp).Name}>";

    protected override SegmentLayoutRules QueueRules => ShmQueueLayoutRules<RequestCell<TReq, TResp>>.Instance;

    protected override SegmentGeometry QueueGeometry(long capacity, long participants, long arenaBytes) =>
        new(SegmentKind.Queue, ShmQueueLayout.Version, Element, capacity, participants, arenaBytes,
            ShmQueueLayout.TotalSize(capacity, participants, Element.Size));
}

/// <summary>One request of the typed channel as it sits in the queue: its id and its value.</summary>
/// <remarks>TResp is a phantom parameter: it makes the element type (and so the header's type tag) name both types.</remarks>
internal struct RequestCell<TReq, TResp>
    where TReq : unmanaged
    where TResp : unmanaged
{
    public ulong Id;
    public TReq Value;
}
