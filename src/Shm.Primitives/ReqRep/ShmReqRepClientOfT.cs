using System.Runtime.InteropServices;
using Shm.Primitives.ReqRep;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;

namespace Shm.Primitives;

/// <summary>
/// The client of a typed shared-memory request/response channel (see <see cref="ShmReqRepServer{TReq, TResp}"/>):
/// requests go into a lock-free queue, responses come back in response slots.
/// </summary>
/// <example>
/// <code>
/// using var client = ShmReqRepClient&lt;long, long&gt;.OpenExisting("square");
/// long nine = client.Request(3, TimeSpan.FromSeconds(1));
/// </code>
/// </example>
public sealed class ShmReqRepClient<TReq, TResp> : ShmReqRepClientBase<TResp>
    where TReq : unmanaged
    where TResp : unmanaged
{
    private static readonly ResponseReader<TResp> s_reader = static response => MemoryMarshal.Read<TResp>(response);
    private readonly ShmQueue<RequestCell<TReq, TResp>> _queue;
    private readonly RequestEnqueuer<TReq> _enqueue;

    private ShmReqRepClient(Segment segment, in ReqRepGeometry geometry, ShmQueue<RequestCell<TReq, TResp>> queue)
        : base(segment, geometry, queue, queue.Participants)
    {
        _queue = queue;
        _enqueue = Enqueue;
        queue.LostToDeadConsumer = cell => Slots.FailRequest(cell.Id);
    }

    /// <summary>Opens an existing channel (a server creates it).</summary>
    public static ShmReqRepClient<TReq, TResp> OpenExisting(string name, SegmentOptions? options = null) =>
        Create(Segment.Attach(name, Segment.AttachMode.OpenExisting, ShmReqRepLayoutRules<TReq, TResp>.Instance, null, options));

    /// <summary>Opens a channel from a descriptor the caller owns (an inherited memfd); dispose does not close it.</summary>
    public static ShmReqRepClient<TReq, TResp> OpenDescriptor(int descriptor, SegmentOptions? options = null) =>
        Create(Segment.OpenDescriptor(descriptor, ShmReqRepLayoutRules<TReq, TResp>.Instance, options));

    private static ShmReqRepClient<TReq, TResp> Create(Segment segment) =>
        TypedChannel<TReq, TResp>.Create(segment, static (s, g, q) => new ShmReqRepClient<TReq, TResp>(s, g, q));

    private protected override ResponseReader<TResp> Reader => s_reader;

    private protected override long QueuedRequests => _queue.Count;

    /// <summary>Sends a request without waiting: takes a response slot and queues the request.</summary>
    /// <returns><see cref="ShmSendResult.Sent"/> with the id to read the response by; or why not (no slot is kept then).</returns>
    public ShmSendResult TrySend(TReq request, out RequestId id) => TrySendCore(request, _enqueue, out id);

    /// <summary>Sends a request, waiting up to <paramref name="timeout"/> for a free slot and then for queue room.</summary>
    /// <exception cref="TimeoutException">No slot, or no queue room, within the timeout (the message says which; no slot is kept).</exception>
    public RequestId Send(TReq request, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        SendCore(request, _enqueue, DeadlineOf(timeout), timeout, cancellationToken);

    /// <summary>Sends a request and waits for its response, one deadline covering both (its clock starts when the call first has to wait); at timeout the request is abandoned.</summary>
    /// <exception cref="TimeoutException">No slot, no queue room or no response within the timeout.</exception>
    /// <exception cref="ShmServerUnavailableException">The server that took it died, or every server is gone (found within 100 ms).</exception>
    public TResp Request(TReq request, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        RequestCore(request, _enqueue, timeout, cancellationToken);

    /// <summary>Sends a request and awaits its response without holding a thread; cancelling abandons the request.</summary>
    public ValueTask<TResp> RequestAsync(TReq request, CancellationToken cancellationToken = default) =>
        RequestAsyncCore((out RequestId id) => TrySend(request, out id), cancellationToken);

    private protected override void ResolveDeadServerClaims() => _queue.ResolveDeadClaims();

    /// <summary>
    /// The request as one queue cell: its id and its value. When the queue is full, the abandoned requests at its
    /// front (cancelled, abandoned, cleared or reclaimed from a dead client: servers would drop them) are dropped and
    /// the queue tried again; with a timeout, waiting for room up to it.
    /// </summary>
    private RequestQueueOutcome Enqueue(TReq request, RequestId id, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var cell = new RequestCell<TReq, TResp> { Id = id.Value, Value = request };
        if (_queue.TryEnqueue(cell) || TryEnqueueAfterDrop(cell))
            return RequestQueueOutcome.Queued;
        if (timeout is not { } wait)
            return RequestQueueOutcome.QueueFull;
        var attempt = new EnqueueAttempt(this, cell);
        return _queue.Sleepers.Wait(_queue, ref attempt, consumerSide: false, wait, cancellationToken, Spin)
            ? RequestQueueOutcome.Queued
            : RequestQueueOutcome.QueueFull;
    }

    /// <summary>Drops the abandoned requests at the queue's front; if any went, tries once more. Counts them as stale.</summary>
    private bool TryEnqueueAfterDrop(in RequestCell<TReq, TResp> cell)
    {
        var gate = new AbandonedRequestGate(Slots);
        for (long i = 0; i < _queue.Capacity && _queue.TryDequeue(ref gate, out _); i++)
        {
        }
        if (gate.Dropped == 0)
            return false;
        Count(ReqRepCounter.StaleReplies, gate.Dropped);
        return _queue.TryEnqueue(cell);
    }

    private readonly struct EnqueueAttempt(ShmReqRepClient<TReq, TResp> client, RequestCell<TReq, TResp> cell) : IWaitAttempt
    {
        public bool TryOnce() => client._queue.TryEnqueue(cell) || client.TryEnqueueAfterDrop(cell);
    }

    /// <summary>
    /// Admits only requests whose slot no longer waits for them (<see cref="ResponseSlotTable.IsAbandoned"/>, a final
    /// answer); the first request someone waits for stops the drop, leaving it and everything behind it queued.
    /// </summary>
    private struct AbandonedRequestGate(ResponseSlotTable slots) : IDequeueGate<RequestCell<TReq, TResp>>
    {
        public int Dropped;

        public readonly bool CopiesItem => false;

        public readonly bool Admits(in RequestCell<TReq, TResp> cell) => slots.IsAbandoned(cell.Id);

        /// <returns>False: a dropped request is not counted as received.</returns>
        public bool OnTaken(in RequestCell<TReq, TResp> cell)
        {
            if (!slots.IsAbandoned(cell.Id))
                slots.FailRequest(cell.Id); // only a cell rewritten under us (a corrupt segment): fail it, never lose it silently
            Dropped++;
            return false;
        }
    }
}
