using Shm.Primitives.ByteQueue;
using Shm.Primitives.Participants;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;

namespace Shm.Primitives;

// What a primitive built on this queue (ShmReqRepServer) needs beyond the public API: sharing a segment whose
// layout begins with this queue's, deciding about each message under the lock before the commit that removes
// it, and the queue's own sleepers for its waits.
public sealed unsafe partial class ShmByteQueue
{
    /// <summary>A queue over the first part of <paramref name="segment"/>, laid out by <paramref name="queueGeometry"/>.</summary>
    internal static ShmByteQueue OverPartOf(Segment segment, in SegmentGeometry queueGeometry) => new(segment, queueGeometry, registerMetrics: false);

    internal ParticipantTable Participants => _participants;

    /// <summary>A racy lock-free look: false only if the queue seemed empty (see LooksEmpty).</summary>
    internal bool MayHaveMessages => !LooksEmpty();

    /// <summary>
    /// The first phase of a latency-critical consumer's wait (a request server, a node's inbox reader): watches for a
    /// message without the lock at the finest grain (<see cref="HotSpin"/>), so one is taken within nanoseconds of its
    /// commit. True once something seems queued; false after the spin budget (then sleep through the consumer wait).
    /// </summary>
    internal bool SpinUntilMayHaveMessages()
    {
        var queued = new QueuedProbe(this);
        return HotSpin.Until(ref queued);
    }

    /// <summary>
    /// Sleeps (no spin) until something seems queued (true), the timeout passes or the token is cancelled (false): for
    /// a watcher that only schedules the real consumer, as an shm mailbox's does for its actor.
    /// </summary>
    internal bool WaitUntilMayHaveMessages(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var queued = new QueuedProbe(this);
        return WaitAsConsumer(ref queued, timeout, spin: false, cancellationToken);
    }

    private readonly struct QueuedProbe(ShmByteQueue queue) : IWaitAttempt
    {
        public bool TryOnce() => queue.MayHaveMessages;
    }

    internal SleepCoordinator Sleepers => _sleepers;

    /// <summary>
    /// Takes messages from the front under one lock hold. Each is shown to <paramref name="gate"/> in place (under
    /// the lock: the gate must not block or call user code) before the single commit that removes them, so what the
    /// gate records is done before the messages leave the queue: a crash before the commit leaves them queued.
    /// </summary>
    /// <returns>Messages the gate took (dropped ones are removed but not counted); -1 if the lock was busy.</returns>
    internal int DequeueGated<TGate>(ref TGate gate, int maxCount, bool tryLockOnly) where TGate : struct, IDequeueGate, allows ref struct
    {
        ThreadParticipant me = _participants.Current;
        if (LooksEmpty())
            return 0;
        PrefetchFront();
        if (!EnterLock(tryLockOnly ? TryLockOnly : WaitForLock))
            return -1;
        int taken = 0, removed = 0;
        try
        {
            QueueState state = ReadStateLocked();
            while (taken < maxCount && state.Count > 0)
            {
                ReadDescriptorLocked(state.Head, state, out long offset, out int length, out long reserved);
                GateDecision decision = gate.Decide(new ReadOnlySpan<byte>(_arena + offset, length));
                if (decision == GateDecision.Stop)
                    break;
                state = AfterTake(state, reserved, back: false);
                removed++;
                if (decision == GateDecision.Take)
                    taken++;
            }
            if (removed > 0)
                CommitLocked(state, removed == 1 ? Operation.Pop : Operation.PopMany);
        }
        finally
        {
            ExitLock();
        }
        Counted(me, ByteQueueCounter.Dequeued, removed, wakeConsumers: false);
        return taken;
    }

    /// <summary>Adds <paramref name="header"/> + <paramref name="message"/> as one message at the back; never waits for room.</summary>
    internal bool TryEnqueue(ReadOnlySpan<byte> header, ReadOnlySpan<byte> message) =>
        Enqueue(message, front: false, WaitForLock, header) == Outcome.Done;

    /// <summary>As <see cref="TryEnqueue(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>, waiting up to <paramref name="timeout"/> for room.</summary>
    internal bool TryEnqueue(ReadOnlySpan<byte> header, ReadOnlySpan<byte> message, TimeSpan timeout, bool spin, CancellationToken cancellationToken) =>
        EnqueueWaiting(message, front: false, timeout, cancellationToken, header, spin);

    /// <summary>Blocks a consumer-side attempt on this queue's sleepers (spin optional), examining dead claims as usual.</summary>
    internal bool WaitAsConsumer<TAttempt>(ref TAttempt attempt, TimeSpan timeout, bool spin, CancellationToken cancellationToken)
        where TAttempt : struct, IWaitAttempt, allows ref struct =>
        _sleepers.Wait(this, ref attempt, consumerSide: true, timeout, cancellationToken, spin);
}
