using Shm.Primitives.Threading;

namespace Shm.Primitives.Queue;

/// <summary>What a parked asynchronous queue operation waits to do.</summary>
internal enum QueueOperationKind
{
    Dequeue,
    Enqueue,
    WaitToRead,
    WaitToWrite,
}

/// <summary>One pending async operation of a <see cref="ShmQueue{T}"/>.</summary>
internal sealed class QueueAsyncOperation<T>(ShmQueue<T> queue, SleepCoordinator sleepers, QueueOperationKind kind, T item, CancellationToken cancellationToken)
    : SleeperAsyncOperation<T>(queue, sleepers, queue, kind is QueueOperationKind.Dequeue or QueueOperationKind.WaitToRead, cancellationToken)
    where T : unmanaged
{
    protected override bool TryOnce(out T result)
    {
        result = default;
        return kind switch
        {
            QueueOperationKind.Dequeue => queue.TryDequeue(out result),
            QueueOperationKind.Enqueue => queue.TryEnqueue(item),
            QueueOperationKind.WaitToRead => queue.HasReadableItem(),
            _ => queue.HasFreeSlot(),
        };
    }
}
