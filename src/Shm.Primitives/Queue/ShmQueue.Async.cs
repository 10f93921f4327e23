using Shm.Primitives.Participants;
using Shm.Primitives.Queue;
using Shm.Primitives.Threading;

namespace Shm.Primitives;

// Async forms. Try first (no state machine, no allocation on success); otherwise the operation is parked on the
// process-wide FutexWaitService, which sleeps on this queue's wake words with futex_waitv: no thread per waiter.
public sealed unsafe partial class ShmQueue<T>
{
    /// <summary>
    /// Adds an item, waiting asynchronously (no thread held) while the queue is full.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="ObjectDisposedException">The queue was disposed while waiting.</exception>
    public ValueTask EnqueueAsync(T item, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled(cancellationToken);
        if (TryEnqueue(item))
            return ValueTask.CompletedTask;
        QueueAsyncOperation<T> operation = Park(QueueOperationKind.Enqueue, item, cancellationToken);
        return new ValueTask(operation, operation.Version);
    }

    /// <summary>Takes the oldest item, waiting asynchronously (no thread held) while the queue is empty.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="ObjectDisposedException">The queue was disposed while waiting.</exception>
    public ValueTask<T> DequeueAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<T>(cancellationToken);
        if (TryDequeue(out T item))
            return new ValueTask<T>(item);
        QueueAsyncOperation<T> operation = Park(QueueOperationKind.Dequeue, default, cancellationToken);
        return new ValueTask<T>(operation, operation.Version);
    }

    /// <summary>
    /// Yields items as they arrive, forever, until the token is cancelled (then throws
    /// <see cref="OperationCanceledException"/>) or the queue is disposed.
    /// </summary>
    public IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default) =>
        AsyncForms.ReadAll(DequeueAsync, cancellationToken);

    /// <summary>
    /// This queue as a <see cref="System.Threading.Channels.ChannelReader{T}"/>: TryRead/ReadAsync/WaitToReadAsync
    /// map to the queue's operations. The reader never completes (other processes may always write more).
    /// </summary>
    public System.Threading.Channels.ChannelReader<T> AsChannelReader() => new ShmQueueChannelReader<T>(this);

    /// <summary>
    /// This queue as a <see cref="System.Threading.Channels.ChannelWriter{T}"/>: TryWrite/WriteAsync/WaitToWriteAsync
    /// map to the queue's operations. TryComplete returns false: a shared queue cannot be completed for other processes.
    /// </summary>
    public System.Threading.Channels.ChannelWriter<T> AsChannelWriter() => new ShmQueueChannelWriter<T>(this);

    /// <summary>Completes with true when an item is ready to dequeue (it may be taken by someone else first).</summary>
    internal ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<bool>(cancellationToken);
        if (HasReadableItem())
            return new ValueTask<bool>(true);
        return AwaitTrue(Park(QueueOperationKind.WaitToRead, default, cancellationToken));
    }

    /// <summary>Completes with true when a slot is free (it may be taken by someone else first).</summary>
    internal ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<bool>(cancellationToken);
        if (HasFreeSlot())
            return new ValueTask<bool>(true);
        return AwaitTrue(Park(QueueOperationKind.WaitToWrite, default, cancellationToken));
    }

    private static ValueTask<bool> AwaitTrue(QueueAsyncOperation<T> operation) =>
        AsyncForms.CompleteWithTrue(new ValueTask(operation, operation.Version));

    private QueueAsyncOperation<T> Park(QueueOperationKind kind, T item, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        var operation = new QueueAsyncOperation<T>(this, _sleepers, kind, item, cancellationToken);
        operation.Start();
        return operation;
    }

    /// <summary>Whether the head slot holds a committed item (drops a tombstone found there).</summary>
    internal bool HasReadableItem() => TryPeek(out _);

    /// <summary>Whether the tail slot is free for a producer.</summary>
    internal bool HasFreeSlot()
    {
        long position = Volatile.Read(ref *_tail);
        return Volatile.Read(ref *(long*)SlotAt(position)) == position;
    }

    private void CancelAsyncWaiters() =>
        FutexWaitService.Shared.RemoveOwnedBy(this, new ObjectDisposedException(Name));
}
