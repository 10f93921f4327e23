using Shm.Primitives.Threading;

namespace Shm.Primitives;

// Blocking forms: Try, then SleepCoordinator.Wait (a short adaptive spin, then futex sleep; see its remarks for
// the sleeper handshake).
public sealed unsafe partial class ShmQueue<T>
{
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
        var attempt = new EnqueueAttempt(this, item);
        return _sleepers.Wait(this, ref attempt, consumerSide: false, timeout, cancellationToken);
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
        var attempt = new DequeueAttempt(this);
        bool taken = _sleepers.Wait(this, ref attempt, consumerSide: true, timeout, cancellationToken);
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

    private struct EnqueueAttempt(ShmQueue<T> queue, T item) : IWaitAttempt
    {
        public readonly bool TryOnce() => queue.TryEnqueue(item);
    }

    private struct DequeueAttempt(ShmQueue<T> queue) : IWaitAttempt
    {
        public T Item;

        public bool TryOnce() => queue.TryDequeue(out Item);
    }
}
