using System.Threading.Channels;

namespace Shm.Primitives.Queue;

/// <summary>A <see cref="ChannelWriter{T}"/> over a shared queue. TryComplete returns false: other processes may still write.</summary>
internal sealed class ShmQueueChannelWriter<T>(ShmQueue<T> queue) : ChannelWriter<T> where T : unmanaged
{
    public override bool TryWrite(T item) => queue.TryEnqueue(item);

    public override ValueTask WriteAsync(T item, CancellationToken cancellationToken = default) => queue.EnqueueAsync(item, cancellationToken);

    public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) => queue.WaitToWriteAsync(cancellationToken);
}
