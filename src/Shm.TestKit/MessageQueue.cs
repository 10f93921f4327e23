using System.Collections.Concurrent;

namespace Shm.TestKit;

/// <summary>What a test actor received, waiting to be expected. The test actor adds; the test thread takes, blocking or async.</summary>
internal sealed class MessageQueue
{
    private readonly ConcurrentQueue<ReceivedMessage> _items = new();

    // Messages an expectation looked at and put back (ReceiveWhile's first non-match); taken before _items. Only the
    // test thread pushes and takes them, but the semaphore counts them with the rest.
    private readonly ConcurrentStack<ReceivedMessage> _putBack = new();
    private readonly SemaphoreSlim _available = new(0);

    public void Add(ReceivedMessage message)
    {
        _items.Enqueue(message);
        _available.Release();
    }

    /// <summary>Makes <paramref name="message"/> the next one taken.</summary>
    public void PutBack(ReceivedMessage message)
    {
        _putBack.Push(message);
        _available.Release();
    }

    public bool TryTake(TimeSpan timeout, out ReceivedMessage? message, CancellationToken cancellationToken = default)
    {
        message = null;
        if (timeout < TimeSpan.Zero) timeout = TimeSpan.Zero;
        if (!_available.Wait(timeout, cancellationToken)) return false;
        return TakeCounted(out message);
    }

    // Every Release follows a push or an enqueue, so after a successful Wait one of the two holds a message.
    private bool TakeCounted(out ReceivedMessage? message) => _putBack.TryPop(out message) || _items.TryDequeue(out message);

    public async Task<ReceivedMessage?> TakeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout < TimeSpan.Zero) timeout = TimeSpan.Zero;
        if (!await _available.WaitAsync(timeout, cancellationToken).ConfigureAwait(false)) return null;
        return TakeCounted(out ReceivedMessage? message) ? message : null;
    }

    public int Count => _items.Count + _putBack.Count;
}
