namespace Shm.Actors.Dispatch;

/// <summary>Marks a message queue with a capacity; a full queue makes <see cref="IMessageQueue.Enqueue"/> wait up to <see cref="PushTimeOut"/>.</summary>
public interface IBoundedMessageQueueSemantics
{
    /// <summary>How long a producer waits for room before its message becomes a dead letter.</summary>
    TimeSpan PushTimeOut { get; }
}
