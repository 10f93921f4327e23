using System.Collections.Concurrent;
using Shm.Actors.Event;

namespace Shm.Actors.Dispatch;

/// <summary>
/// The default queue: lock-free, unbounded, multi-producer. It wraps <see cref="ConcurrentQueue{T}"/> of struct envelopes:
/// its segments are rings that are reused while the queue stays within one segment, so a steady flow of messages allocates
/// nothing, where a linked MPSC queue would allocate a node per message.
/// </summary>
public sealed class UnboundedMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    private readonly ConcurrentQueue<Envelope> _queue = new();

    /// <inheritdoc />
    public bool HasMessages => !_queue.IsEmpty;

    /// <inheritdoc />
    public int Count => _queue.Count;

    /// <inheritdoc />
    public void Enqueue(IActorRef receiver, Envelope envelope) => _queue.Enqueue(envelope);

    /// <inheritdoc />
    public bool TryDequeue(out Envelope envelope) => _queue.TryDequeue(out envelope);

    /// <inheritdoc />
    public void CleanUp(IActorRef owner, IActorRef deadLetters)
    {
        while (_queue.TryDequeue(out Envelope e)) deadLetters.Tell(new DeadLetter(e.Message, e.Sender ?? ActorRefs.Nobody, owner), e.Sender);
    }
}
