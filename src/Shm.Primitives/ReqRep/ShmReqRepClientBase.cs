using System.Diagnostics;
using Shm.Primitives.Diagnostics;
using Shm.Primitives.Participants;
using Shm.Primitives.ReqRep;
using Shm.Primitives.Segments;

namespace Shm.Primitives;

/// <summary>
/// The client half of a request/response channel, for responses of type <typeparamref name="TResponse"/>: the
/// split form (send, then <see cref="TryGet"/> / <see cref="Get"/> / <see cref="GetAsync"/> / <see cref="Cancel"/>)
/// and the slot bookkeeping shared by <see cref="ShmReqRepClient"/> and <see cref="ShmReqRepClient{TReq, TResp}"/>.
/// </summary>
/// <remarks>
/// Every request holds a response slot from its send until its response is read, it is cancelled, it times out
/// inside <c>Request</c>, or its server is found dead; a client process that dies holding slots has them freed
/// by the next client that needs one, and the requests it left queued are dropped (by the next sender that finds
/// their lane full, or by a server), never answered. Thread-safe: any thread may send and read; an id can be read once.
/// </remarks>
public abstract class ShmReqRepClientBase<TResponse> : ShmReqRepEndpoint
{
    private static readonly long s_reapTicks = Stopwatch.Frequency / 200; // dead-client scans at most every 5 ms
    private readonly int _client;
    private readonly ReplyPump<TResponse> _pump;
    private int _hint;
    private long _nextReap;

    private protected ShmReqRepClientBase(Segment segment, in ReqRepGeometry geometry, IDisposable queue, ParticipantTable participants)
        : base(segment, geometry, queue, participants)
    {
        _client = Slots.Members.RegisterClient();
        _pump = new ReplyPump<TResponse>(this, Slots, _client);
        ReapDeadClients();
    }

    /// <summary>Requests of this instance holding a response slot (sent and not yet read, cancelled or failed).</summary>
    public int Pending => Slots.CountHeldBy(_client);

    /// <summary>Turns a response's bytes into <typeparamref name="TResponse"/>.</summary>
    private protected abstract ResponseReader<TResponse> Reader { get; }

    /// <summary>
    /// Reads the response of <paramref name="id"/> if it has arrived, freeing its slot. Never waits.
    /// </summary>
    /// <returns>False while the request is still pending.</returns>
    /// <exception cref="ShmStaleRequestException">The id was read, cancelled, abandoned or cleared already.</exception>
    /// <exception cref="ShmServerUnavailableException">The server that took the request died or was disposed (the slot is freed).</exception>
    public bool TryGet(RequestId id, out TResponse response)
    {
        ThrowIfUnusable();
        Slots.Validate(id);
        return TryFinish(id, out response);
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the response of <paramref name="id"/>, reads it and frees its slot.
    /// At timeout the request stays pending (read it later or <see cref="Cancel"/> it).
    /// </summary>
    /// <exception cref="TimeoutException">No response within the timeout.</exception>
    /// <exception cref="ShmStaleRequestException">The id was read, cancelled, abandoned or cleared already.</exception>
    /// <exception cref="ShmServerUnavailableException">The server that took it died, or every server is gone (found within 100 ms).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (the request stays pending).</exception>
    public TResponse Get(RequestId id, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        Slots.Validate(id);
        ThrowHelper.ValidateTimeout(timeout);
        return Await(id, StartsAtFirstWait, timeout, abandon: false, cancellationToken);
    }

    /// <summary>
    /// Waits asynchronously (no thread held) for the response of <paramref name="id"/>; cancelling the token ends the
    /// wait, not the request. An answer that arrives within a short spin is returned completed.
    /// </summary>
    /// <exception cref="ShmStaleRequestException">The id was read, cancelled, abandoned or cleared already.</exception>
    /// <exception cref="ShmServerUnavailableException">The server that took it died, or every server is gone.</exception>
    public ValueTask<TResponse> GetAsync(RequestId id, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        Slots.Validate(id);
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<TResponse>(cancellationToken);
        // As RequestAsync: an answer that comes within the hot spin (the only request in flight here) is read on the
        // calling thread, with no hand-off to the pump and back.
        if (TryFinish(id, out TResponse response) || (Spin && _pump.IsIdle && Slots.SpinForAnswer(id) && TryFinish(id, out response)))
            return new ValueTask<TResponse>(response);
        var operation = new PendingReply<TResponse>(this, null, abandonOnCancel: false, cancellationToken) { Id = id };
        _pump.Add(operation);
        return operation.Task;
    }

    /// <summary>
    /// Takes a response slot for a request the caller carries to the server another way (a ring it already writes to,
    /// in order with its other messages), together with <paramref name="id"/>; the server accepts it with
    /// <see cref="ShmReqRepServerBase.TryAccept"/> and replies as to any request. Read the reply with
    /// <see cref="Get"/> / <see cref="GetAsync"/>; <see cref="Cancel"/> frees the slot if the request never went.
    /// </summary>
    /// <returns>False when no slot is free (dead clients' slots are reclaimed first).</returns>
    public bool TryReserve(out RequestId id)
    {
        ThrowIfUnusable();
        return TryAcquireSlot(out id);
    }

    /// <summary>
    /// Gives up on a request: its slot is freed (a server still writing the reply frees it when done) and a later
    /// reply to it is rejected. A no-op when the response has already arrived: <see cref="Get"/> still returns it.
    /// </summary>
    /// <returns>True if the request was cancelled; false if its response had arrived or the id is stale.</returns>
    public bool Cancel(RequestId id)
    {
        ThrowIfUnusable();
        Slots.Validate(id);
        return CountCancel(Slots.Release(id, evenIfReady: false));
    }

    /// <summary>
    /// The variant's half of a send: puts <paramref name="request"/> with its <paramref name="id"/> into the request
    /// queue; with a null <paramref name="timeout"/>, one try (the queue's lock is still waited for), else waiting up to it.
    /// Returns which lane was full when it could not.
    /// </summary>
    private protected delegate RequestQueueOutcome RequestEnqueuer<TRequest>(TRequest request, RequestId id, TimeSpan? timeout, CancellationToken cancellationToken)
        where TRequest : allows ref struct;

    /// <summary>The message of a send that found no queue room for <paramref name="timeout"/>: which lane, its capacity, what it holds.</summary>
    private protected virtual string DescribeFullQueue(RequestQueueOutcome outcome, TimeSpan timeout) =>
        ThrowHelper.Format(SR.ReqRep_QueueFull, Name, timeout, QueuedRequests, RequestCapacity);

    /// <summary>TrySend of both variants: take a slot, queue the request, or say which of the two failed (keeping no slot).</summary>
    private protected ShmSendResult TrySendCore<TRequest>(TRequest request, RequestEnqueuer<TRequest> enqueue, out RequestId id)
        where TRequest : allows ref struct
    {
        ThrowIfUnusable();
        if (!TryAcquireSlot(out id))
            return ShmSendResult.NoFreeSlot;
        FaultPoint.Hit(FaultPoints.ReqRepClientAcquired);
        RequestQueueOutcome outcome;
        try
        {
            outcome = enqueue(request, id, null, CancellationToken.None);
        }
        catch
        {
            ReleaseUnsent(id); // e.g. the segment found corrupt or truncated: no slot is kept
            throw;
        }
        if (outcome != RequestQueueOutcome.Queued)
        {
            ReleaseUnsent(id);
            id = default;
            return ShmSendResult.QueueFull;
        }
        FaultPoint.Hit(FaultPoints.ReqRepClientSent);
        return ShmSendResult.Sent;
    }

    /// <summary>Send of both variants: a slot, then queue room, both by <paramref name="deadline"/>; no slot is kept on failure.</summary>
    /// <exception cref="TimeoutException">No slot, or no queue room, in time (the message says which).</exception>
    private protected RequestId SendCore<TRequest>(TRequest request, RequestEnqueuer<TRequest> enqueue, long deadline, TimeSpan timeout, CancellationToken cancellationToken)
        where TRequest : allows ref struct
    {
        ThrowIfUnusable();
        if (!AcquireSlot(deadline, cancellationToken, out RequestId id))
            ThrowHelper.ThrowTimeout(SR.ReqRep_NoFreeSlot, Name, ResponseSlots, timeout);
        FaultPoint.Hit(FaultPoints.ReqRepClientAcquired);
        RequestQueueOutcome outcome = RequestQueueOutcome.QueueFull;
        try
        {
            outcome = enqueue(request, id, Remaining(deadline), cancellationToken);
        }
        finally
        {
            if (outcome != RequestQueueOutcome.Queued)
                ReleaseUnsent(id);
        }
        if (outcome != RequestQueueOutcome.Queued)
            throw new TimeoutException(DescribeFullQueue(outcome, timeout));
        FaultPoint.Hit(FaultPoints.ReqRepClientSent);
        return id;
    }

    /// <summary>Takes a slot now; if none is free, frees dead clients' slots (rate-limited) and tries once more.</summary>
    private bool TryAcquireSlot(out RequestId id)
    {
        if (Slots.TryAcquire(_client, ref _hint, out id))
            return true;
        ReapDeadClients();
        return Slots.TryAcquire(_client, ref _hint, out id);
    }

    /// <summary>Waits for a slot until <paramref name="deadline"/>.</summary>
    private bool AcquireSlot(long deadline, CancellationToken cancellationToken, out RequestId id) =>
        Slots.TryAcquire(_client, ref _hint, out id) || Slots.WaitForSlot(_client, ref _hint, deadline, ReapDeadClients, cancellationToken, out id);

    /// <summary>Frees the slot of a request that never made it into the queue.</summary>
    private void ReleaseUnsent(RequestId id) => Slots.Release(id, evenIfReady: true);

    /// <summary>
    /// A deadline not started yet: the clock is read when the call first has to wait (after a send that found a slot
    /// and queue room at once, and after the hot spin for the reply). A clock read costs a noticeable part of a
    /// round trip on some virtual machines, and a call that never waits needs none.
    /// </summary>
    private protected const long StartsAtFirstWait = long.MinValue;

    /// <summary>Request of both variants: send, then wait for the reply, one deadline covering every wait of the two.</summary>
    private protected TResponse RequestCore<TRequest>(TRequest request, RequestEnqueuer<TRequest> enqueue, TimeSpan timeout, CancellationToken cancellationToken)
        where TRequest : allows ref struct
    {
        ThrowHelper.ValidateTimeout(timeout);
        long deadline = StartsAtFirstWait;
        if (TrySendCore(request, enqueue, out RequestId id) != ShmSendResult.Sent)
        {
            deadline = DeadlineOf(timeout);
            id = SendCore(request, enqueue, deadline, timeout, cancellationToken);
        }
        return Await(id, deadline, timeout, abandon: true, cancellationToken);
    }

    /// <summary>Waits for the reply until the deadline; with <paramref name="abandon"/> (Request) a timeout or cancel frees the slot.</summary>
    private protected TResponse Await(RequestId id, long deadline, TimeSpan timeout, bool abandon, CancellationToken cancellationToken)
    {
        bool spin = Spin;
        if (deadline == StartsAtFirstWait)
        {
            if (spin && Slots.SpinForAnswer(id) && TryFinish(id, out TResponse answered))
                return answered;
            spin = false; // spun already
            deadline = DeadlineOf(timeout);
        }
        while (true)
        {
            ReplyState state;
            string? loss;
            try
            {
                state = Slots.WaitForReply(id, deadline, spin, ExamineQueue, cancellationToken, out loss);
            }
            catch (OperationCanceledException) when (abandon)
            {
                CountCancel(Slots.Release(id, evenIfReady: true));
                throw;
            }
            switch (state)
            {
                case ReplyState.TimedOut:
                    if (abandon)
                        Slots.Release(id, evenIfReady: true);
                    Count(ReqRepCounter.Timeouts);
                    throw new TimeoutException($"No response to request {id} on ShmReqRep '{Name}' within {timeout}.");
                case ReplyState.ServerLost:
                    Slots.Release(id, evenIfReady: true);
                    throw new ShmServerUnavailableException(loss!);
                default:
                    if (TryFinish(id, out TResponse response))
                        return response;
                    break; // not ready after all (cannot happen for a pending request's own slot): wait again
            }
        }
    }

    /// <summary>Request's async form: send (waiting without a thread for a slot or queue room), then await the reply.</summary>
    private protected ValueTask<TResponse> RequestAsyncCore(RequestSender trySend, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<TResponse>(cancellationToken);
        if (trySend(out RequestId id) != ShmSendResult.Sent)
            id = default;
        else if (Spin && _pump.IsIdle && Slots.SpinForAnswer(id))
        {
            // The only request in flight here, answered within the hot spin: no hand-off to the pump and back (a
            // sequential caller's round trip then costs no wake-up on this side).
            try
            {
                if (TryFinish(id, out TResponse response))
                    return new ValueTask<TResponse>(response);
            }
            catch (Exception error)
            {
                return ValueTask.FromException<TResponse>(error);
            }
        }
        var operation = new PendingReply<TResponse>(this, trySend, abandonOnCancel: true, cancellationToken) { Id = id };
        _pump.Add(operation);
        return operation.Task;
    }

    /// <summary>Lets the pump see a cancelled async request promptly.</summary>
    internal void RingForCancel() => _pump.RingForCancel();

    /// <summary>Reads a ready response (true), or returns false while pending; throws for stale and failed requests.</summary>
    private bool TryFinish(RequestId id, out TResponse response)
    {
        switch (Slots.TryTake(id, Reader, out response))
        {
            case ReplyState.Ready:
                return true;
            case ReplyState.Pending:
                return false;
            case ReplyState.Failed:
                Slots.Release(id, evenIfReady: true);
                throw new ShmServerUnavailableException($"The server that took request {id} of ShmReqRep '{Name}' died or was disposed before replying.");
            default:
                throw new ShmStaleRequestException($"Request {id} of ShmReqRep '{Name}' is stale: it was already read, cancelled, abandoned or cleared.");
        }
    }

    /// <summary>The pump's check of one pending request: answered, failed, stale, or (every 20 ms) its server lost.</summary>
    internal bool TryFinishAsync(RequestId id, bool checkLiveness, out TResponse response)
    {
        if (TryFinish(id, out response))
            return true;
        if (checkLiveness && Slots.FindServerLoss(id) is { } loss)
        {
            Slots.Release(id, evenIfReady: true);
            throw new ShmServerUnavailableException(loss);
        }
        return false;
    }

    internal bool CountCancel(CancelOutcome outcome)
    {
        if (outcome != CancelOutcome.Released)
            return false;
        Count(ReqRepCounter.Cancels);
        return true;
    }

    /// <summary>
    /// The periodic check of a waiting client: throws once the segment is unusable (truncated under it), then lets
    /// the request queue resolve what dead servers left in it.
    /// </summary>
    internal void ExamineQueue()
    {
        ThrowIfUnusable();
        ResolveDeadServerClaims();
    }

    /// <summary>Typed channel: a request a dead server took and never marked. The byte channel's lock repairs itself.</summary>
    private protected virtual void ResolveDeadServerClaims()
    {
    }

    /// <summary>Frees the slots of dead clients (rate-limited: at most every 5 ms per instance).</summary>
    internal void ReapDeadClients()
    {
        long now = Stopwatch.GetTimestamp();
        if (now < Volatile.Read(ref _nextReap))
            return;
        Volatile.Write(ref _nextReap, now + s_reapTicks);
        int reaped = Slots.Members.ReapDeadClients(Slots.ReleaseClient);
        if (reaped > 0)
            Count(ReqRepCounter.Recoveries, reaped);
    }

    private protected override void Unregister()
    {
        Slots.ReleaseClient(_client);
        Slots.Members.UnregisterClient(_client);
    }
}
