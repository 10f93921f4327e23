using System.Runtime.InteropServices;
using Shm.Primitives.Diagnostics;
using Shm.Primitives.ReqRep;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;

namespace Shm.Primitives;

/// <summary>
/// The server of a typed shared-memory request/response channel: requests of <typeparamref name="TReq"/> travel
/// through a lock-free <see cref="ShmQueue{T}"/>, responses of <typeparamref name="TResp"/> come back in response
/// slots. Same protocol and guarantees as <see cref="ShmReqRepServer"/>, with no lock on the request path.
/// </summary>
/// <remarks>
/// A server marks a request's slot taken after reading it and before releasing its queue cell; a server killed in
/// between leaves a claim the queue's recovery resolves by failing that request, so its client is told either way.
/// </remarks>
public sealed class ShmReqRepServer<TReq, TResp> : ShmReqRepServerBase
    where TReq : unmanaged
    where TResp : unmanaged
{
    private readonly ShmQueue<RequestCell<TReq, TResp>> _queue;

    private ShmReqRepServer(Segment segment, in ReqRepGeometry geometry, ShmQueue<RequestCell<TReq, TResp>> queue)
        : base(segment, geometry, queue, queue.Participants)
    {
        _queue = queue;
        queue.LostToDeadConsumer = cell => Slots.FailRequest(cell.Id);
    }

    /// <summary>Creates a new channel file; fails with <see cref="IOException"/> if it exists.</summary>
    /// <param name="name">A bare name (placed in <see cref="SegmentOptions.Directory"/>) or an absolute path.</param>
    /// <param name="requestCapacity">Requests the queue holds; rounded up to a power of two.</param>
    /// <param name="responseSlots">Requests in flight at once over all clients, 1..32768.</param>
    /// <param name="options">File location, permissions and owner checks.</param>
    public static ShmReqRepServer<TReq, TResp> CreateNew(string name, long requestCapacity, int responseSlots = 64, SegmentOptions? options = null) =>
        Attach(name, Segment.AttachMode.CreateNew, requestCapacity, responseSlots, options);

    /// <summary>Opens the channel if it exists (keeping its stored geometry), otherwise creates it; race-free across processes.</summary>
    public static ShmReqRepServer<TReq, TResp> CreateOrOpen(string name, long requestCapacity, int responseSlots = 64, SegmentOptions? options = null) =>
        Attach(name, Segment.AttachMode.CreateOrOpen, requestCapacity, responseSlots, options);

    /// <summary>Opens an existing channel as one more server.</summary>
    public static ShmReqRepServer<TReq, TResp> OpenExisting(string name, SegmentOptions? options = null) =>
        Create(Segment.Attach(name, Segment.AttachMode.OpenExisting, ShmReqRepLayoutRules<TReq, TResp>.Instance, null, options));

    /// <summary>Creates an anonymous channel in a sealed memfd; children inherit <see cref="ShmReqRepEndpoint.MemfdDescriptor"/>.</summary>
    public static ShmReqRepServer<TReq, TResp> CreateMemfd(string debugName, long requestCapacity, int responseSlots = 64) =>
        Create(Segment.CreateMemfd(debugName, ShmReqRepLayoutRules<TReq, TResp>.Instance, Geometry(requestCapacity, responseSlots)));

    /// <summary>Opens a channel from a descriptor the caller owns (an inherited memfd); dispose does not close it.</summary>
    public static ShmReqRepServer<TReq, TResp> OpenDescriptor(int descriptor, SegmentOptions? options = null) =>
        Create(Segment.OpenDescriptor(descriptor, ShmReqRepLayoutRules<TReq, TResp>.Instance, options));

    private static ShmReqRepServer<TReq, TResp> Attach(string name, Segment.AttachMode mode, long capacity, int slots, SegmentOptions? options) =>
        Create(Segment.Attach(name, mode, ShmReqRepLayoutRules<TReq, TResp>.Instance, Geometry(capacity, slots), options));

    private static SegmentGeometry Geometry(long capacity, int slots)
    {
        long rounded = ThrowHelper.RoundCapacity(capacity, ShmQueue<RequestCell<TReq, TResp>>.MaxCapacity, nameof(capacity));
        ShmReqRepLayout.ValidateSlots(slots, TypedChannel<TReq, TResp>.ResponseBytes);
        return ShmReqRepLayoutRules<TReq, TResp>.Instance.Geometry(rounded, 0, slots, TypedChannel<TReq, TResp>.ResponseBytes);
    }

    private static ShmReqRepServer<TReq, TResp> Create(Segment segment) =>
        TypedChannel<TReq, TResp>.Create(segment, static (s, g, q) => new ShmReqRepServer<TReq, TResp>(s, g, q));

    private protected override long QueuedRequests => _queue.Count;

    /// <summary>Takes the oldest request; false if none is queued. Never waits. Requests whose client gave up are dropped.</summary>
    public bool TryReceive(out ShmRequest<TReq> request)
    {
        ThrowIfUnusable();
        var gate = new TakeGate(Slots, ServerIndex);
        int dropped = 0;
        try
        {
            while (_queue.TryDequeue(ref gate, out RequestCell<TReq, TResp> cell))
            {
                if (gate.Accepted)
                {
                    request = new ShmRequest<TReq>(new RequestId(cell.Id), cell.Value);
                    return true;
                }
                dropped++;
            }
        }
        finally
        {
            CountStale(dropped);
        }
        request = default;
        return false;
    }

    /// <summary>Takes up to <paramref name="requests"/>.Length requests; returns how many. Never waits.</summary>
    public int ReceiveMany(Span<ShmRequest<TReq>> requests)
    {
        int taken = 0;
        while (taken < requests.Length && TryReceive(out requests[taken]))
            taken++;
        return taken;
    }

    /// <summary>Takes the oldest request, waiting up to <paramref name="timeout"/> for one.</summary>
    /// <returns>False if none came within the timeout.</returns>
    public bool TryReceive(out ShmRequest<TReq> request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowHelper.ValidateTimeout(timeout);
        if (TryReceive(out request))
            return true;
        var attempt = new ReceiveAttempt(this);
        if (Spin && timeout != TimeSpan.Zero && HotSpin.Until(ref attempt))
        {
            request = attempt.Request;
            return true;
        }
        bool received = _queue.WaitAsConsumer(ref attempt, timeout, Spin, cancellationToken);
        request = attempt.Request;
        return received;
    }

    /// <summary>Takes the oldest request, waiting up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: forever).</summary>
    /// <exception cref="TimeoutException">No request came within the timeout.</exception>
    public ShmRequest<TReq> Receive(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        TryReceive(out ShmRequest<TReq> request, timeout, cancellationToken)
            ? request
            : throw new TimeoutException($"ShmReqRep '{Name}' received no request within {timeout}.");

    /// <summary>Takes the oldest request, waiting asynchronously (no thread held) for one.</summary>
    public ValueTask<ShmRequest<TReq>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<ShmRequest<TReq>>(cancellationToken);
        if (TryReceive(out ShmRequest<TReq> request))
            return new ValueTask<ShmRequest<TReq>>(request);
        var operation = new ReceiveOperation(this, _queue, cancellationToken);
        operation.Start();
        return new ValueTask<ShmRequest<TReq>>(operation, operation.Version);
    }

    /// <summary>Writes the response into the request's slot and wakes its client.</summary>
    /// <returns>False (nothing delivered) when the request was cancelled, abandoned, cleared or already answered.</returns>
    public bool Reply(RequestId id, TResp response) =>
        ReplyCore(id, MemoryMarshal.AsBytes(new ReadOnlySpan<TResp>(in response)), nameof(response));

    private protected override void ClearQueue() => _queue.Clear();

    /// <summary>Marks each request's slot taken right after it is read, before its queue cell is released.</summary>
    private struct TakeGate(ResponseSlotTable slots, int server) : IDequeueGate<RequestCell<TReq, TResp>>
    {
        public bool Accepted;

        public readonly bool CopiesItem => true;

        public readonly bool Admits(in RequestCell<TReq, TResp> item) => true;

        public bool OnTaken(in RequestCell<TReq, TResp> item)
        {
            Accepted = slots.TryMarkTaken(item.Id, server);
            if (Accepted)
                FaultPoint.Hit(FaultPoints.ReqRepServerTaken);
            return true; // the typed channel's Received has always counted dropped requests too
        }
    }

    private struct ReceiveAttempt(ShmReqRepServer<TReq, TResp> server) : IWaitAttempt
    {
        public ShmRequest<TReq> Request;

        public bool TryOnce() => server.TryReceive(out Request);
    }

    private sealed class ReceiveOperation(ShmReqRepServer<TReq, TResp> server, ShmQueue<RequestCell<TReq, TResp>> queue, CancellationToken cancellationToken)
        : SleeperAsyncOperation<ShmRequest<TReq>>(server, queue.Sleepers, queue, consumerSide: true, cancellationToken)
    {
        protected override bool TryOnce(out ShmRequest<TReq> result) => server.TryReceive(out result);
    }
}

/// <summary>What the typed server and client share: the response size and attaching the queue over the segment.</summary>
internal static class TypedChannel<TReq, TResp>
    where TReq : unmanaged
    where TResp : unmanaged
{
    public static readonly int ResponseBytes = System.Runtime.CompilerServices.Unsafe.SizeOf<TResp>();

    public static TEndpoint Create<TEndpoint>(Segment segment, Func<Segment, ReqRepGeometry, ShmQueue<RequestCell<TReq, TResp>>, TEndpoint> create) =>
        ReqRepGeometry.Attach(segment, ShmReqRepLayoutRules<TReq, TResp>.Instance, CheckResponseSize, static (s, g) => ShmQueue<RequestCell<TReq, TResp>>.OverPartOf(s, g.Queue), create);

    private static void CheckResponseSize(ReqRepGeometry geometry)
    {
        if (geometry.ResponseBytes != ResponseBytes)
            throw new InvalidDataException($"This ShmReqRep segment holds {geometry.ResponseBytes}-byte responses; {typeof(TResp).Name} is {ResponseBytes} bytes.");
    }
}
