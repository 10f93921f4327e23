using System.Collections.Concurrent;

namespace Shm.TestKit;

/// <summary>What a test actor received, waiting to be expected. The test actor adds; the test thread takes, blocking or async.</summary>
internal sealed class MessageQueue
{
    private readonly ConcurrentQueue<ReceivedMessage> _items = new();
    private readonly SemaphoreSlim _available = new(0);

    public void Add(ReceivedMessage message)
    {
        _items.Enqueue(message);
        _available.Release();
    }

    public bool TryTake(TimeSpan timeout, out ReceivedMessage? message, CancellationToken cancellationToken = default)
    {
        message = null;
        if (timeout < TimeSpan.Zero) timeout = TimeSpan.Zero;
        if (!_available.Wait(timeout, cancellationToken)) return false;
        return _items.TryDequeue(out message);   // every Release follows an Enqueue, so this succeeds
    }

    public async Task<ReceivedMessage?> TakeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout < TimeSpan.Zero) timeout = TimeSpan.Zero;
        if (!await _available.WaitAsync(timeout, cancellationToken).ConfigureAwait(false)) return null;
        return _items.TryDequeue(out ReceivedMessage? message) ? message : null;
    }

    public int Count => _items.Count;
}
