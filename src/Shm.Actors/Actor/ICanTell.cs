namespace Shm.Actors;

/// <summary>Something a message can be sent to: an actor ref or a selection.</summary>
public interface ICanTell
{
    /// <summary>
    /// Sends <paramref name="message"/> without waiting. Delivery is at most once: no acknowledgement, no retry; a message to
    /// a stopped actor becomes a dead letter. Messages from one sender to one receiver arrive in the order they were sent.
    /// Never blocks, except when the receiver has a bounded mailbox that is full.
    /// </summary>
    /// <param name="message">The message; it is passed by reference, so it must be immutable.</param>
    /// <param name="sender">The sender the receiver sees, or <see cref="ActorRefs.NoSender"/>.</param>
    void Tell(object message, IActorRef? sender);
}
