using Shm.Actors.Event;

namespace Shm.Actors.Dispatch;

/// <summary>
/// An unbounded queue that hands out the message with the lowest priority number first, and messages of equal priority
/// in arrival order. Producers and the consumer share one lock (a priority heap has no lock-free form worth its cost
/// here), so this queue is for actors whose ordering matters more than their raw throughput.
/// </summary>
public sealed class UnboundedPriorityMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    private readonly Func<object, int> _priorityOf;
    private readonly PriorityQueue<Envelope, (int Priority, long Arrival)> _heap = new();
    private readonly object _lock = new();
    private long _arrivals;

    /// <summary>Creates the queue; <paramref name="priorityOf"/> runs on the producer's thread and must be thread-safe.</summary>
    public UnboundedPriorityMessageQueue(Func<object, int> priorityOf)
    {
        ArgumentNullException.ThrowIfNull(priorityOf);
        _priorityOf = priorityOf;
    }

    /// <inheritdoc />
    public bool HasMessages
    {
        get
        {
            lock (_lock) return _heap.Count > 0;
        }
    }

    /// <inheritdoc />
    public int Count
    {
        get
        {
            lock (_lock) return _heap.Count;
        }
    }

    /// <inheritdoc />
    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        int priority = _priorityOf(envelope.Message);   // user code: outside the lock
        lock (_lock) _heap.Enqueue(envelope, (priority, _arrivals++));
    }

    /// <inheritdoc />
    public bool TryDequeue(out Envelope envelope)
    {
        lock (_lock) return _heap.TryDequeue(out envelope, out _);
    }

    /// <inheritdoc />
    public void CleanUp(IActorRef owner, IActorRef deadLetters)
    {
        while (TryDequeue(out Envelope e)) deadLetters.Tell(new DeadLetter(e.Message, e.Sender ?? ActorRefs.Nobody, owner), e.Sender);
    }
}
