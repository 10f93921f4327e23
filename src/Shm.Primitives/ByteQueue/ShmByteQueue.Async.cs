using System.Threading.Channels;
using Shm.Primitives.ByteQueue;
using Shm.Primitives.Threading;

namespace Shm.Primitives;

// Async forms: one try, otherwise an operation parked on FutexWaitService (no thread per waiter). Parked
// operations only try-lock (the service thread never blocks), and retry on the next wake or tick.
public sealed partial class ShmByteQueue
{
    /// <summary>Adds a message at the back, waiting asynchronously (no thread held) for room.</summary>
    /// <exception cref="ArgumentException">The message is longer than <see cref="MaxMessageLength"/>.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    public ValueTask EnqueueAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled(cancellationToken);
        if (TryEnqueue(message.Span))
            return ValueTask.CompletedTask;
        ByteQueueAsyncOperation operation = Park(ByteQueueOperationKind.Enqueue, message, cancellationToken);
        return new ValueTask(operation, operation.Version);
    }

    /// <summary>Takes the oldest message, waiting asynchronously (no thread held) for one.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="ObjectDisposedException">The queue was disposed while waiting.</exception>
    public ValueTask<byte[]> DequeueAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<byte[]>(cancellationToken);
        if (TryDequeue(out byte[] message))
            return new ValueTask<byte[]>(message);
        ByteQueueAsyncOperation operation = Park(ByteQueueOperationKind.Dequeue, default, cancellationToken);
        return new ValueTask<byte[]>(operation, operation.Version);
    }

    /// <summary>Yields messages as they arrive, forever, until the token is cancelled or the queue disposed.</summary>
    public IAsyncEnumerable<byte[]> ReadAllAsync(CancellationToken cancellationToken = default) =>
        AsyncForms.ReadAll(DequeueAsync, cancellationToken);

    /// <summary>This queue as a <see cref="ChannelReader{T}"/> of messages (it never completes).</summary>
    public ChannelReader<byte[]> AsChannelReader() => new ShmByteQueueChannelReader(this);

    /// <summary>This queue as a <see cref="ChannelWriter{T}"/> of messages (TryComplete returns false).</summary>
    public ChannelWriter<ReadOnlyMemory<byte>> AsChannelWriter() => new ShmByteQueueChannelWriter(this);

    internal ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) =>
        WaitUntilAsync(ByteQueueOperationKind.WaitToRead, HasMessage(WaitForLock), cancellationToken);

    internal ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken) =>
        WaitUntilAsync(ByteQueueOperationKind.WaitToWrite, HasRoom(WaitForLock), cancellationToken);

    private ValueTask<bool> WaitUntilAsync(ByteQueueOperationKind kind, bool already, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<bool>(cancellationToken);
        if (already)
            return new ValueTask<bool>(true);
        ByteQueueAsyncOperation operation = Park(kind, default, cancellationToken);
        return AsyncForms.CompleteWithTrue(new ValueTask(operation, operation.Version));
    }

    private ByteQueueAsyncOperation Park(ByteQueueOperationKind kind, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        var operation = new ByteQueueAsyncOperation(this, _sleepers, kind, message, cancellationToken);
        operation.Start();
        return operation;
    }

    /// <summary>One try of a parked operation, on the service thread (try-lock only).</summary>
    internal bool TryOnceParked(ByteQueueOperationKind kind, ReadOnlyMemory<byte> message, out byte[] result)
    {
        result = [];
        return kind switch
        {
            ByteQueueOperationKind.Enqueue => Enqueue(message.Span, front: false, TryLockOnly) == Outcome.Done,
            ByteQueueOperationKind.Dequeue => TakeArray(back: false, TryLockOnly, out result) == Outcome.Done,
            ByteQueueOperationKind.WaitToRead => HasMessage(TryLockOnly),
            _ => HasRoom(TryLockOnly),
        };
    }

    private bool HasMessage(long lockDeadline) => PeekLength(lockDeadline, out _) == Outcome.Done;

    private bool HasRoom(long lockDeadline)
    {
        if (!EnterLock(lockDeadline))
            return false;
        try
        {
            QueueState state = ReadStateLocked();
            return state.Count < _capacity && state.ArenaUsed < _arenaBytes;
        }
        finally
        {
            ExitLock();
        }
    }
}
