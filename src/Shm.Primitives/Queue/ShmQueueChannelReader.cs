using System.Threading.Channels;

namespace Shm.Primitives.Queue;

/// <summary>A <see cref="ChannelReader{T}"/> over a shared queue. It never completes: a shared queue has no end of stream.</summary>
internal sealed class ShmQueueChannelReader<T>(ShmQueue<T> queue) : ChannelReader<T> where T : unmanaged
{
    public override bool CanCount => true;

    public override bool CanPeek => true;

    public override int Count => (int)queue.Count;

    public override bool TryRead(out T item) => queue.TryDequeue(out item);

    public override bool TryPeek(out T item) => queue.TryPeek(out item);

    public override ValueTask<T> ReadAsync(CancellationToken cancellationToken = default) => queue.DequeueAsync(cancellationToken);

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => queue.WaitToReadAsync(cancellationToken);
}
