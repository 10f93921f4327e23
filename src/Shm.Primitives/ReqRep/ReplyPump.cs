using System.Diagnostics;
using Shm.Primitives.Threading;

namespace Shm.Primitives.ReqRep;

/// <summary>
/// The async side of one client instance: every pending <c>GetAsync</c>/<c>RequestAsync</c> of the instance is
/// served by a single waiter on <see cref="FutexWaitService"/> (not one per request), which sleeps on the client's
/// doorbell while replies are awaited and on the slot-freed word while requests only wait for a slot. So 10,000
/// concurrent requests cost 10,000 small objects, not 10,000 waits or threads.
/// </summary>
/// <remarks>
/// Wake-up protocol for replies: the waiter sets DoorbellWaiters, reads the doorbell, then flags each pending slot
/// AsyncWaiter (CAS). A server's READY CAS sees the flag and then bumps the doorbell, so either the waiter's check
/// sees READY or the bump changes the word it sleeps on. All of it runs on the service thread under its lock.
/// </remarks>
internal sealed unsafe class ReplyPump<TResponse>(ShmReqRepClientBase<TResponse> client, ResponseSlotTable slots, int clientIndex)
{
    private static readonly long s_checkTicks = Stopwatch.Frequency / 50; // liveness checks every 20 ms
    private readonly object _gate = new();
    private readonly List<PendingReply<TResponse>> _replies = [];
    private readonly Queue<PendingReply<TResponse>> _sends = new();
    private Activation? _active;

    /// <summary>The client instance: disposing it abandons the pump's waiter (FutexWaitService.RemoveOwnedBy).</summary>
    public object Owner => client;
    private bool _registeredForSlots;
    private int _ringPending;
    private long _nextCheck;

    /// <summary>True while no async request of this client is waiting in the pump (a racy hint).</summary>
    public bool IsIdle => Volatile.Read(ref _active) is null;

    public void Add(PendingReply<TResponse> operation)
    {
        operation.RegisterCancellation(); // first: a cancel from now on is seen by the next poll
        Activation? start = null;
        lock (_gate)
        {
            if (operation.Id.Value == 0)
                _sends.Enqueue(operation);
            else
                _replies.Add(operation);
            if (_active is null)
                start = _active = new Activation(this);
            // A sent request joining an active waiter is flagged here, not at the waiter's next poll, so its reply
            // rings the doorbell the waiter sleeps on; unflagged, a reply that came before any other would wait for
            // another reply's ring or the service's 10 ms tick (eight askers through the pump: 11K asks/s). Answered
            // already: ring it ourselves so the waiter looks now.
            else if (operation.Id.Value != 0 && !slots.TryFlagWaiter(operation.Id, sync: false, out _))
                slots.Members.RingDoorbell(clientIndex);
        }
        if (start is not null)
            FutexWaitService.Shared.Add(start);
    }

    /// <summary>
    /// Rings the wait service so a cancellation is seen, once per poll however many requests are cancelled at once
    /// (a dead node cancels all of its asks together: one ring each would mean a poll of every pending request each).
    /// </summary>
    public void RingForCancel()
    {
        if (Interlocked.Exchange(ref _ringPending, 1) == 0)
            FutexWaitService.Shared.RingAll();
    }

    private bool Poll(out uint* word, out uint expected)
    {
        Volatile.Write(ref _ringPending, 0); // before the scan: a cancel after this rings again
        lock (_gate)
        {
            uint* doorbell = slots.Members.DoorbellSequence(clientIndex);
            Interlocked.Exchange(ref *slots.Members.DoorbellWaiters(clientIndex), 1);
            uint doorbellSeen = Volatile.Read(ref *doorbell);
            if (_sends.Count > 0 && !_registeredForSlots)
            {
                Interlocked.Increment(ref *slots.FreedWaiters);
                _registeredForSlots = true;
            }
            uint freedSeen = Volatile.Read(ref *slots.FreedSequence);

            bool check = Stopwatch.GetTimestamp() >= _nextCheck;
            if (check)
            {
                _nextCheck = Stopwatch.GetTimestamp() + s_checkTicks;
                client.ExamineQueue();
                if (_sends.Count > 0)
                    client.ReapDeadClients();
            }
            for (int round = 0; round < 4; round++)
            {
                bool sent = PumpSends();
                bool freed = PumpReplies(check);
                check = false;
                if (!sent && !(freed && _sends.Count > 0))
                    break;
            }

            if (_replies.Count > 0)
            {
                UnregisterForSlots();
                word = doorbell;
                expected = doorbellSeen;
                return false;
            }
            if (_sends.Count > 0)
            {
                word = slots.FreedSequence;
                expected = freedSeen;
                return false;
            }
            Finish();
            word = null;
            expected = 0;
            return true;
        }
    }

    /// <summary>Sends waiting requests in order while slots and queue room last; true if any was sent.</summary>
    private bool PumpSends()
    {
        bool any = false;
        while (_sends.TryPeek(out PendingReply<TResponse>? operation))
        {
            if (operation.CancelRequested)
            {
                _sends.Dequeue();
                operation.Cancel(slots);
                continue;
            }
            ShmSendResult result;
            RequestId id;
            try
            {
                result = operation.TrySend!(out id);
            }
            catch (Exception error)
            {
                _sends.Dequeue();
                operation.Fail(error);
                continue;
            }
            if (result != ShmSendResult.Sent)
                break;
            _sends.Dequeue();
            operation.Id = id;
            _replies.Add(operation);
            any = true;
        }
        return any;
    }

    /// <summary>Completes what has an answer and flags the rest; true if any slot was freed.</summary>
    private bool PumpReplies(bool checkLiveness)
    {
        bool freed = false;
        for (int i = _replies.Count - 1; i >= 0; i--)
        {
            PendingReply<TResponse> operation = _replies[i];
            bool done;
            if (operation.CancelRequested)
            {
                operation.Cancel(slots);
                done = true;
            }
            else
            {
                done = operation.TryFinish(checkLiveness);
            }
            if (!done && !slots.TryFlagWaiter(operation.Id, sync: false, out _))
                done = operation.TryFinish(checkLiveness: false); // answered meanwhile
            if (done)
            {
                _replies[i] = _replies[^1];
                _replies.RemoveAt(_replies.Count - 1);
                freed = true;
            }
        }
        return freed;
    }

    private void Abandon(Exception error)
    {
        lock (_gate)
        {
            foreach (PendingReply<TResponse> operation in _replies)
                operation.Fail(error);
            foreach (PendingReply<TResponse> operation in _sends)
                operation.Fail(error);
            _replies.Clear();
            _sends.Clear();
            Finish();
        }
    }

    private void Finish()
    {
        UnregisterForSlots();
        Volatile.Write(ref *slots.Members.DoorbellWaiters(clientIndex), 0);
        _active = null;
    }

    private void UnregisterForSlots()
    {
        if (!_registeredForSlots)
            return;
        Interlocked.Decrement(ref *slots.FreedWaiters);
        _registeredForSlots = false;
    }

    /// <summary>One registration with the wait service; a new one is made each time the pump restarts.</summary>
    private sealed class Activation(ReplyPump<TResponse> pump) : IFutexWaiter
    {
        public object Owner => pump.Owner;

        public bool Poll(out uint* word, out uint expected) => pump.Poll(out word, out expected);

        public void Abandon(Exception error) => pump.Abandon(error);

        public void RequestCancel() => FutexWaitService.Shared.RingAll();
    }
}

/// <summary>Sends a request for the pump when a slot and queue room are there; the id is valid only when Sent.</summary>
internal delegate ShmSendResult RequestSender(out RequestId id);

/// <summary>One pending async reply (and, for RequestAsync, the send before it).</summary>
internal sealed class PendingReply<TResponse>(ShmReqRepClientBase<TResponse> client, RequestSender? trySend, bool abandonOnCancel, CancellationToken cancellationToken)
{
    private readonly TaskCompletionSource<TResponse> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _registration;
    private int _cancelRequested;

    public RequestId Id { get; set; }

    public RequestSender? TrySend => trySend;

    public bool CancelRequested => Volatile.Read(ref _cancelRequested) != 0;

    public ValueTask<TResponse> Task => new(_completion.Task);

    public void RegisterCancellation()
    {
        if (cancellationToken.CanBeCanceled)
            _registration = cancellationToken.UnsafeRegister(static state => ((PendingReply<TResponse>)state!).OnCancel(), this);
    }

    private void OnCancel()
    {
        Volatile.Write(ref _cancelRequested, 1);
        client.RingForCancel();
    }

    /// <summary>Completes the operation if its request is answered, failed, stale or lost; false while pending.</summary>
    public bool TryFinish(bool checkLiveness)
    {
        try
        {
            if (!client.TryFinishAsync(Id, checkLiveness, out TResponse response))
                return false;
            Complete(response);
        }
        catch (Exception error)
        {
            Fail(error);
        }
        return true;
    }

    public void Cancel(ResponseSlotTable slots)
    {
        if (Id.Value != 0 && abandonOnCancel)
            client.CountCancel(slots.Release(Id, evenIfReady: true));
        Fail(new OperationCanceledException(cancellationToken));
    }

    public void Complete(TResponse response)
    {
        _registration.Dispose();
        _completion.TrySetResult(response);
    }

    public void Fail(Exception error)
    {
        _registration.Dispose();
        if (error is OperationCanceledException canceled)
            _completion.TrySetCanceled(canceled.CancellationToken);
        else
            _completion.TrySetException(error);
    }
}
