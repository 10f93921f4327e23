namespace Shm.Actors.Dispatch;

/// <summary>Marks a mailbox type whose queues are of type <typeparamref name="TQueue"/> (declares the queue's semantics to tools and adapters; the built-in types implement it).</summary>
/// <typeparam name="TQueue">The queue type the mailbox type creates.</typeparam>
public interface IProducesMessageQueue<TQueue> where TQueue : IMessageQueue;
