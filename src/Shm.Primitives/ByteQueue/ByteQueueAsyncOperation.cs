using Shm.Primitives.Threading;

namespace Shm.Primitives.ByteQueue;

/// <summary>What a parked asynchronous byte-queue operation waits to do.</summary>
internal enum ByteQueueOperationKind
{
    Dequeue,
    Enqueue,
    WaitToRead,
    WaitToWrite,
}

/// <summary>One pending async operation of a <see cref="ShmByteQueue"/>.</summary>
internal sealed class ByteQueueAsyncOperation(ShmByteQueue queue, SleepCoordinator sleepers, ByteQueueOperationKind kind, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    : SleeperAsyncOperation<byte[]>(queue, sleepers, queue, kind is ByteQueueOperationKind.Dequeue or ByteQueueOperationKind.WaitToRead, cancellationToken)
{
    protected override bool TryOnce(out byte[] result) => queue.TryOnceParked(kind, message, out result);
}

/// <summary>A <see cref="System.Threading.Channels.ChannelReader{T}"/> over a byte queue; it never completes.</summary>
internal sealed class ShmByteQueueChannelReader(ShmByteQueue queue) : System.Threading.Channels.ChannelReader<byte[]>
{
    public override bool CanCount => true;

    public override int Count => (int)queue.Count;

    public override bool TryRead(out byte[] item) => queue.TryDequeue(out item);

    public override ValueTask<byte[]> ReadAsync(CancellationToken cancellationToken = default) => queue.DequeueAsync(cancellationToken);

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => queue.WaitToReadAsync(cancellationToken);
}

/// <summary>A <see cref="System.Threading.Channels.ChannelWriter{T}"/> over a byte queue; TryComplete returns false.</summary>
internal sealed class ShmByteQueueChannelWriter(ShmByteQueue queue) : System.Threading.Channels.ChannelWriter<ReadOnlyMemory<byte>>
{
    public override bool TryWrite(ReadOnlyMemory<byte> item) => queue.TryEnqueue(item.Span);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> item, CancellationToken cancellationToken = default) => queue.EnqueueAsync(item, cancellationToken);

    public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) => queue.WaitToWriteAsync(cancellationToken);
}
