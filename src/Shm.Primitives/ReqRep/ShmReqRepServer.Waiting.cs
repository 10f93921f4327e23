using Shm.Primitives.ReqRep;
using Shm.Primitives.Threading;

namespace Shm.Primitives;

// Blocking and async receives: one try, then the request queue's consumer sleepers (spin per WaitStrategy, then
// futex); async receives park on FutexWaitService (no thread per waiter) and only try-lock there.
public sealed partial class ShmReqRepServer
{
    /// <summary>Takes the oldest request, waiting up to <paramref name="timeout"/> for one.</summary>
    /// <returns>False if none came within the timeout.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
    public bool TryReceive(out ShmRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowHelper.ValidateTimeout(timeout);
        if (TryReceive(out request))
            return true;
        var attempt = new ReceiveAttempt(this);
        var queued = new QueuedProbe(_requests);
        if (Spin && timeout != TimeSpan.Zero && HotSpin.Until(ref queued) && attempt.TryOnce())
        {
            request = attempt.Request;
            return true;
        }
        bool received = _requests.WaitAsConsumer(ref attempt, timeout, Spin, cancellationToken);
        request = attempt.Request;
        return received;
    }

    /// <summary>Takes the oldest request, waiting up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: forever).</summary>
    /// <exception cref="TimeoutException">No request came within the timeout.</exception>
    public ShmRequest Receive(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        TryReceive(out ShmRequest request, timeout, cancellationToken)
            ? request
            : throw new TimeoutException($"ShmReqRep '{Name}' received no request within {timeout}.");

    /// <summary>Waits up to <paramref name="timeout"/> for at least one request, then takes up to <paramref name="maxCount"/> under one lock hold.</summary>
    /// <returns>The requests taken; empty at timeout.</returns>
    public IReadOnlyList<ShmRequest> ReceiveMany(int maxCount, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowHelper.ValidateTimeout(timeout);
        IReadOnlyList<ShmRequest> taken = ReceiveMany(maxCount);
        if (taken.Count > 0 || maxCount == 0)
            return taken;
        var attempt = new ReceiveManyAttempt(this, maxCount);
        _requests.WaitAsConsumer(ref attempt, timeout, Spin, cancellationToken);
        return attempt.Requests;
    }

    /// <summary>Takes the oldest request, waiting asynchronously (no thread held) for one.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed while waiting.</exception>
    public ValueTask<ShmRequest> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<ShmRequest>(cancellationToken);
        if (TryReceive(out ShmRequest request))
            return new ValueTask<ShmRequest>(request);
        var operation = new ReceiveOperation(this, _requests, cancellationToken);
        operation.Start();
        return new ValueTask<ShmRequest>(operation, operation.Version);
    }

    /// <summary>Yields requests as they arrive until the token is cancelled or the server disposed.</summary>
    public IAsyncEnumerable<ShmRequest> ReadAllAsync(CancellationToken cancellationToken = default) =>
        AsyncForms.ReadAll(ReceiveAsync, cancellationToken);

    private bool TryReceiveParked(out ShmRequest request)
    {
        var gate = new ReceiveGate(this, null);
        bool taken = Receive(ref gate, 1, tryLockOnly: true) > 0;
        request = gate.Single;
        return taken;
    }

    /// <summary>The hot spin's probe: a lock-free look at both lanes, so a request is taken within nanoseconds of its commit.</summary>
    private readonly struct QueuedProbe(ByteRequestQueue requests) : IWaitAttempt
    {
        public bool TryOnce() => requests.MayHaveRequests;
    }

    private struct ReceiveAttempt(ShmReqRepServer server) : IWaitAttempt
    {
        public ShmRequest Request;

        public bool TryOnce() => server.TryReceive(out Request);
    }

    private struct ReceiveManyAttempt(ShmReqRepServer server, int maxCount) : IWaitAttempt
    {
        public IReadOnlyList<ShmRequest> Requests = [];

        public bool TryOnce() => (Requests = server.ReceiveMany(maxCount)).Count > 0;
    }

    private sealed class ReceiveOperation(ShmReqRepServer server, ByteRequestQueue requests, CancellationToken cancellationToken)
        : SleeperAsyncOperation<ShmRequest>(server, requests.Arena.Sleepers, requests, consumerSide: true, cancellationToken)
    {
        protected override bool TryOnce(out ShmRequest result) => server.TryReceiveParked(out result);
    }
}
