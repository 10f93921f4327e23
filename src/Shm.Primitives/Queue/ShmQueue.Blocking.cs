using System.Diagnostics;
using Shm.Primitives.Participants;
using Shm.Primitives.Queue;
using Shm.Primitives.Threading;

namespace Shm.Primitives;

// Blocking forms: Try, then a short adaptive spin, then futex sleep. The sleeper handshake:
//   sleeper: Interlocked.Increment(Waiters) [full fence]; read WakeSequence; re-check the queue; futex_wait(WakeSequence)
//   waker:   commit [store]; full fence; read Waiters; if non-zero: increment WakeSequence, futex_wake
// Either the sleeper's re-check sees the commit, or the waker sees the sleeper registered; a wake that lands
// between the sleeper's read of WakeSequence and its futex_wait makes the wait return at once (value changed).
public sealed unsafe partial class ShmQueue<T>
{
    private const int SpinIterations = 12;
    private const int YieldIterations = 4;
    private static readonly TimeSpan s_suspectSlice = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan s_idleSlice = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_unfencedSlice = TimeSpan.FromMilliseconds(1);
    private static readonly Action<object?> s_wakeConsumersOnCancel = static state => ((ShmQueue<T>)state!).WakeAllFor(consumers: true, producers: false);
    private static readonly Action<object?> s_wakeProducersOnCancel = static state => ((ShmQueue<T>)state!).WakeAllFor(consumers: false, producers: true);

    /// <summary>
    /// Adds an item, waiting up to <paramref name="timeout"/> for a free slot. <see cref="TimeSpan.Zero"/> tries
    /// exactly once without sleeping; <see cref="Timeout.InfiniteTimeSpan"/> waits forever. Signals do not end
    /// the wait early.
    /// </summary>
    /// <returns>False if the queue stayed full for the whole timeout.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
    public bool TryEnqueue(T item, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowHelper.ValidateTimeout(timeout);
        if (TryEnqueue(item))
            return true;
        var attempt = new EnqueueAttempt(item);
        return Wait(ref attempt, consumerSide: false, timeout, cancellationToken);
    }

    /// <summary>Adds an item, waiting up to <paramref name="timeout"/> for a free slot.</summary>
    /// <exception cref="TimeoutException">The queue stayed full for the whole timeout.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
    public void Enqueue(T item, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!TryEnqueue(item, timeout, cancellationToken))
            throw new TimeoutException($"ShmQueue '{Name}' stayed full for {timeout}.");
    }

    /// <summary>Adds an item, waiting as long as the queue is full.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
    public void Enqueue(T item, CancellationToken cancellationToken = default) =>
        TryEnqueue(item, Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>
    /// Takes the oldest item, waiting up to <paramref name="timeout"/> for one. <see cref="TimeSpan.Zero"/> tries
    /// exactly once without sleeping; <see cref="Timeout.InfiniteTimeSpan"/> waits forever. Signals do not end
    /// the wait early.
    /// </summary>
    /// <returns>False if the queue stayed empty for the whole timeout.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
    public bool TryDequeue(out T item, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowHelper.ValidateTimeout(timeout);
        if (TryDequeue(out item))
            return true;
        var attempt = new DequeueAttempt();
        bool taken = Wait(ref attempt, consumerSide: true, timeout, cancellationToken);
        item = attempt.Item;
        return taken;
    }

    /// <summary>Takes the oldest item, waiting up to <paramref name="timeout"/> for one.</summary>
    /// <exception cref="TimeoutException">The queue stayed empty for the whole timeout.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
    public T Dequeue(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        TryDequeue(out T item, timeout, cancellationToken) ? item : throw new TimeoutException($"ShmQueue '{Name}' stayed empty for {timeout}.");

    /// <summary>Takes the oldest item, waiting as long as the queue is empty.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
    public T Dequeue(CancellationToken cancellationToken = default)
    {
        TryDequeue(out T item, Timeout.InfiniteTimeSpan, cancellationToken);
        return item;
    }

    /// <summary>One attempt of a blocking operation; the wait loop repeats it.</summary>
    private interface IAttempt
    {
        bool TryOnce(ShmQueue<T> queue);
    }

    private struct EnqueueAttempt(T item) : IAttempt
    {
        public readonly bool TryOnce(ShmQueue<T> queue) => queue.TryEnqueue(item);
    }

    private struct DequeueAttempt : IAttempt
    {
        public T Item;

        public bool TryOnce(ShmQueue<T> queue) => queue.TryDequeue(out Item);
    }

    /// <summary>
    /// Repeats <paramref name="attempt"/> until it succeeds, the timeout passes or the token is cancelled: a short
    /// spin, a few yields (the other side may be on this very CPU), then futex sleeps. Sleeps are sliced so a
    /// stuck position (a producer or consumer that died mid-claim) is re-examined within the recovery bound.
    /// </summary>
    private bool Wait<TAttempt>(scoped ref TAttempt attempt, bool consumerSide, TimeSpan timeout, CancellationToken cancellationToken)
        where TAttempt : struct, IAttempt, allows ref struct
    {
        if (timeout == TimeSpan.Zero)
            return false;
        cancellationToken.ThrowIfCancellationRequested();
        long start = Stopwatch.GetTimestamp();
        bool infinite = timeout == Timeout.InfiniteTimeSpan;

        for (int i = 0; i < SpinIterations; i++)
        {
            Thread.SpinWait(4 << Math.Min(i, 5));
            if (attempt.TryOnce(this))
                return true;
        }
        for (int i = 0; i < YieldIterations; i++)
        {
            Thread.Yield();
            if (attempt.TryOnce(this))
                return true;
        }

        uint* wakeSequence = consumerSide ? _consumerWakeSequence : _producerWakeSequence;
        uint* waiters = consumerSide ? _consumerWaiters : _producerWaiters;
        ThreadParticipant me = _participants.Current;
        using CancellationTokenRegistration registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(consumerSide ? s_wakeConsumersOnCancel : s_wakeProducersOnCancel, this)
            : default;

        while (true)
        {
            TimeSpan remaining = infinite ? Timeout.InfiniteTimeSpan : timeout - Stopwatch.GetElapsedTime(start);
            if (!infinite && remaining <= TimeSpan.Zero)
                return false;

            // Register: global count first, then our record's (a crash in between over-counts, which only costs
            // wake calls until a reaper fixes it; the reverse order could under-count and lose a wake-up).
            Interlocked.Increment(ref *waiters);
            ref uint recordWaits = ref consumerSide ? ref me.ConsumerWaits : ref me.ProducerWaits;
            Interlocked.Increment(ref recordWaits);
            AsymmetricFence.Heavy(); // pairs with AsymmetricFence.Light in every waker
            uint seen = Volatile.Read(ref *wakeSequence);
            bool done = attempt.TryOnce(this);
            if (!done && !cancellationToken.IsCancellationRequested)
            {
                TimeSpan slice = ExamineStuck(me, consumerSide) ? s_suspectSlice : s_idleSlice;
                if (!AsymmetricFence.IsAsymmetric && slice > s_unfencedSlice)
                    slice = s_unfencedSlice;
                if (!infinite && remaining < slice)
                    slice = remaining;
                me.Counter(QueueCounter.Sleeps)++;
                Futex.Wait(wakeSequence, seen, slice);
            }
            Interlocked.Decrement(ref recordWaits);
            Interlocked.Decrement(ref *waiters);

            if (done)
                return true;
            cancellationToken.ThrowIfCancellationRequested();
            if (attempt.TryOnce(this))
                return true;
        }
    }

    /// <summary>Wakes every sleeper on the chosen sides (cancellation, Clear, repairs).</summary>
    private void WakeAllFor(bool consumers, bool producers)
    {
        if (consumers)
        {
            Interlocked.Increment(ref *_consumerWakeSequence);
            Futex.Wake(_consumerWakeSequence, int.MaxValue);
        }
        if (producers)
        {
            Interlocked.Increment(ref *_producerWakeSequence);
            Futex.Wake(_producerWakeSequence, int.MaxValue);
        }
    }
}
