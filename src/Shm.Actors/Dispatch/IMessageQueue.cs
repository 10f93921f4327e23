namespace Shm.Actors.Dispatch;

/// <summary>
/// The queue of user messages behind one actor's mailbox, created by a <see cref="MailboxType"/>. Any thread may call
/// <see cref="Enqueue"/> at the same time; <see cref="TryDequeue"/> and <see cref="CleanUp"/> are called by one thread at a
/// time (the actor's turn, or after the actor stopped a serialized drain), so implementations may be multi-producer
/// single-consumer. System messages (create, stop, watch, failures) never pass through it.
/// </summary>
public interface IMessageQueue
{
    /// <summary>True when at least one message is waiting. May be stale by the time the caller acts on it.</summary>
    bool HasMessages { get; }

    /// <summary>The number of waiting messages; an estimate while producers are active.</summary>
    int Count { get; }

    /// <summary>Adds a message. A bounded queue may block here (up to its push timeout) or dead-letter the message.</summary>
    /// <param name="receiver">The actor that owns this queue (for dead letters).</param>
    /// <param name="envelope">The message and its sender.</param>
    void Enqueue(IActorRef receiver, Envelope envelope);

    /// <summary>Takes the oldest message, or returns false at once when there is none.</summary>
    bool TryDequeue(out Envelope envelope);

    /// <summary>Called once when the owner has stopped: moves every leftover message to <paramref name="deadLetters"/>.</summary>
    void CleanUp(IActorRef owner, IActorRef deadLetters);
}
