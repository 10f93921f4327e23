using System.Collections.Concurrent;
using Shm.Actors.Event;

namespace Shm.Actors.Dispatch;

/// <summary>
/// A queue of at most <c>capacity</c> messages. A producer that finds it full waits up to the push timeout for the consumer
/// to make room; if none appears in time the message becomes a <see cref="DeadLetter"/> and the producer goes on. A zero
/// push timeout never blocks. Waiting blocks the producer's thread, so producers that are actors stall their dispatcher thread:
/// keep push timeouts short.
/// </summary>
public sealed class BoundedMessageQueue : IMessageQueue, IBoundedMessageQueueSemantics
{
    private readonly ConcurrentQueue<Envelope> _queue = new();
    private readonly SemaphoreSlim _freeSlots;
    private readonly IActorRef _deadLetters;

    internal BoundedMessageQueue(int capacity, TimeSpan pushTimeOut, IActorRef deadLetters)
    {
        _freeSlots = new SemaphoreSlim(capacity, capacity);
        PushTimeOut = pushTimeOut;
        _deadLetters = deadLetters;
    }

    /// <inheritdoc />
    public TimeSpan PushTimeOut { get; }

    /// <inheritdoc />
    public bool HasMessages => !_queue.IsEmpty;

    /// <inheritdoc />
    public int Count => _queue.Count;

    /// <inheritdoc />
    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        if (_freeSlots.Wait(PushTimeOut)) _queue.Enqueue(envelope);
        else _deadLetters.Tell(new DeadLetter(envelope.Message, envelope.Sender ?? ActorRefs.Nobody, receiver), envelope.Sender);
    }

    /// <inheritdoc />
    public bool TryDequeue(out Envelope envelope)
    {
        if (!_queue.TryDequeue(out envelope)) return false;
        _freeSlots.Release();   // room appears only once the message has left the ring
        return true;
    }

    /// <inheritdoc />
    public void CleanUp(IActorRef owner, IActorRef deadLetters)
    {
        while (TryDequeue(out Envelope e)) deadLetters.Tell(new DeadLetter(e.Message, e.Sender ?? ActorRefs.Nobody, owner), e.Sender);
    }
}
