using Shm.Primitives.Queue;
using Shm.Primitives.ReqRep;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;

namespace Shm.Primitives;

/// <summary>
/// The client of a shared-memory request/response channel of byte messages (see <see cref="ShmReqRepServer"/>):
/// <see cref="Request"/> / <see cref="RequestAsync"/> for a call, or the split form <see cref="TrySend"/> /
/// <see cref="Send"/> then <see cref="ShmReqRepClientBase{TResponse}.Get"/> for many requests in flight.
/// </summary>
/// <example>
/// <code>
/// using var client = ShmReqRepClient.OpenExisting("echo");
/// byte[] answer = client.Request("ping"u8, TimeSpan.FromSeconds(1));
/// </code>
/// </example>
public sealed class ShmReqRepClient : ShmReqRepClientBase<byte[]>
{
    private const int IdBytes = ByteRequestQueue.RequestIdBytes;
    private static readonly ResponseReader<byte[]> s_reader = static response => response.ToArray();
    private readonly ByteRequestQueue _requests;
    private readonly ShmByteQueue _queue;
    private readonly ShmQueue<InlineRequest> _lane;
    private readonly RequestEnqueuer<ReadOnlySpan<byte>> _enqueue;

    private ShmReqRepClient(Segment segment, in ReqRepGeometry geometry, ByteRequestQueue requests)
        : base(segment, geometry, requests, requests.Arena.Participants)
    {
        _requests = requests;
        _queue = requests.Arena;
        _lane = requests.Lane;
        _enqueue = Enqueue;
        _lane.LostToDeadConsumer = cell => Slots.FailRequest(cell.Id);
    }

    /// <summary>Opens an existing channel (a server creates it).</summary>
    /// <exception cref="FileNotFoundException">No channel of that name exists yet.</exception>
    public static ShmReqRepClient OpenExisting(string name, SegmentOptions? options = null) =>
        Create(Segment.Attach(name, Segment.AttachMode.OpenExisting, ShmReqRepLayoutRules.Instance, null, options));

    /// <summary>Opens a channel from a descriptor the caller owns (an inherited memfd); dispose does not close it.</summary>
    public static ShmReqRepClient OpenDescriptor(int descriptor, SegmentOptions? options = null) =>
        Create(Segment.OpenDescriptor(descriptor, ShmReqRepLayoutRules.Instance, options));

    private static ShmReqRepClient Create(Segment segment) =>
        ReqRepGeometry.Attach(segment, ShmReqRepLayoutRules.Instance, null, static (s, g) => ByteRequestQueue.Open(s, g), static (s, g, q) => new ShmReqRepClient(s, g, q));

    private protected override ResponseReader<byte[]> Reader => s_reader;

    private protected override long QueuedRequests => _requests.Count;

    private protected override long SumCounter(int counter) => _requests.SumCounter(counter);

    /// <summary>The longest request payload the queue accepts (its arena, less the 8-byte id each request carries).</summary>
    public int MaxRequestBytes => _queue.MaxMessageLength - IdBytes;

    /// <summary>Sends a request without waiting: takes a response slot and queues the request.</summary>
    /// <returns><see cref="ShmSendResult.Sent"/> with the id to read the response by; or why not (no slot is kept then).</returns>
    /// <exception cref="ArgumentException">The request is longer than <see cref="MaxRequestBytes"/>.</exception>
    public ShmSendResult TrySend(ReadOnlySpan<byte> request, out RequestId id)
    {
        ThrowIfTooLong(request.Length);
        return TrySendCore(request, _enqueue, out id);
    }

    /// <summary>Sends a request, waiting up to <paramref name="timeout"/> for a free slot and then for queue room.</summary>
    /// <returns>The id to read the response by (<see cref="ShmReqRepClientBase{TResponse}.Get"/>).</returns>
    /// <exception cref="TimeoutException">No slot, or no queue room, within the timeout (the message says which; no slot is kept).</exception>
    public RequestId Send(ReadOnlySpan<byte> request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowIfTooLong(request.Length);
        return SendCore(request, _enqueue, DeadlineOf(timeout), timeout, cancellationToken);
    }

    /// <summary>
    /// Sends a request and waits for its response, with one deadline covering the send and the wait (its clock starts
    /// when the call first has to wait). At timeout the request is abandoned (its slot freed; a late reply is rejected).
    /// </summary>
    /// <exception cref="TimeoutException">No slot, no queue room or no response within the timeout.</exception>
    /// <exception cref="ShmServerUnavailableException">The server that took it died, or every server is gone (found within 100 ms).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (the request is abandoned).</exception>
    public byte[] Request(ReadOnlySpan<byte> request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowIfTooLong(request.Length);
        return RequestCore(request, _enqueue, timeout, cancellationToken);
    }

    /// <summary>
    /// Sends a request and awaits its response without holding a thread: waiting for a slot, for queue room and
    /// for the reply are all served by one waiter per client. Cancelling abandons the request.
    /// </summary>
    /// <exception cref="ShmServerUnavailableException">The server that took it died, or every server is gone.</exception>
    public ValueTask<byte[]> RequestAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default)
    {
        ThrowIfTooLong(request.Length);
        return RequestAsyncCore((out RequestId id) => TrySend(request.Span, out id), cancellationToken);
    }

    /// <summary>
    /// A short request as one inline cell of the lock-free lane (only the bytes used: one cache line for up to 44); a
    /// longer one, or a short one the lane has no room for, through <see cref="ByteRequestQueue.TryEnqueue"/> (which
    /// drops requests nobody waits for from a full lane's front); with a timeout, waiting for room up to it.
    /// </summary>
    private RequestQueueOutcome Enqueue(ReadOnlySpan<byte> request, RequestId id, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (request.Length <= InlineRequest.MaxPayload && _lane.TryEnqueue(new InlineRequest.Writer(id.Value, request)))
            return RequestQueueOutcome.Queued;
        RequestQueueOutcome outcome = TryEnqueueSlow(request, id);
        if (outcome == RequestQueueOutcome.Queued || timeout is not { } wait)
            return outcome;
        var attempt = new EnqueueAttempt(this, request, id) { Outcome = outcome };
        return _requests.WaitAsProducer(ref attempt, wait, Spin, cancellationToken) ? RequestQueueOutcome.Queued : attempt.Outcome;
    }

    /// <summary>One try of the slow path; the abandoned requests it dropped count as stale.</summary>
    private RequestQueueOutcome TryEnqueueSlow(ReadOnlySpan<byte> request, RequestId id)
    {
        RequestQueueOutcome outcome = _requests.TryEnqueue(id.Value, request, Slots, out int dropped);
        if (dropped > 0)
            Count(ReqRepCounter.StaleReplies, dropped);
        return outcome;
    }

    private protected override string DescribeFullQueue(RequestQueueOutcome outcome, TimeSpan timeout)
    {
        long arenaCount = _queue.GetStats().Count;
        return outcome switch
        {
            RequestQueueOutcome.LaneFull => ThrowHelper.Format(SR.ReqRep_LaneFull, Name, InlineRequest.MaxPayload, timeout,
                _lane.Count, _lane.Capacity, Slots.CountWaiting()), // the failed send's own slot is already released
            RequestQueueOutcome.LaneAndArenaFull => ThrowHelper.Format(SR.ReqRep_LaneAndArenaFull, Name, InlineRequest.MaxPayload, _lane.Capacity, timeout,
                arenaCount, _queue.Capacity, _queue.ArenaCapacity),
            _ => ThrowHelper.Format(SR.ReqRep_ArenaFull, Name, InlineRequest.MaxPayload, timeout, arenaCount, _queue.Capacity, _queue.ArenaCapacity),
        };
    }

    /// <summary>A blocked send's retry: the slow path again (a drop or a server's take may have made room).</summary>
    private ref struct EnqueueAttempt(ShmReqRepClient client, ReadOnlySpan<byte> request, RequestId id) : IWaitAttempt
    {
        private readonly ReadOnlySpan<byte> _request = request;

        public RequestQueueOutcome Outcome;

        public bool TryOnce() => (Outcome = client.TryEnqueueSlow(_request, id)) == RequestQueueOutcome.Queued;
    }

    private protected override void ResolveDeadServerClaims() => _lane.ResolveDeadClaims();

    private void ThrowIfTooLong(int length)
    {
        if (length > MaxRequestBytes)
            throw new ArgumentException($"The request is {length} bytes; ShmReqRep '{Name}' accepts at most {MaxRequestBytes} bytes (its arena, less the 8-byte id).", "request");
    }
}
