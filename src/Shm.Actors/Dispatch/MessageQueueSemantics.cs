namespace Shm.Actors.Dispatch;

/// <summary>Marks a message queue that never blocks or rejects a producer.</summary>
public interface IUnboundedMessageQueueSemantics;

/// <summary>Marks a message queue with a capacity; a full queue makes <see cref="IMessageQueue.Enqueue"/> wait up to <see cref="PushTimeOut"/>.</summary>
public interface IBoundedMessageQueueSemantics
{
    /// <summary>How long a producer waits for room before its message becomes a dead letter.</summary>
    TimeSpan PushTimeOut { get; }
}

/// <summary>Marks a mailbox type whose queues are of type <typeparamref name="TQueue"/> (checked when an actor demands a semantics).</summary>
/// <typeparam name="TQueue">The queue type the mailbox type creates.</typeparam>
public interface IProducesMessageQueue<TQueue> where TQueue : IMessageQueue;
