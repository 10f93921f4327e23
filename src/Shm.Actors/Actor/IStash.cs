using Shm.Actors.Dispatch;

namespace Shm.Actors;

/// <summary>
/// Messages an actor set aside to handle later (typically until it changes behaviour). Use only from the actor's own
/// message handling. On restart the stash goes back into the mailbox; on stop its messages become dead letters.
/// </summary>
public interface IStash
{
    /// <summary>Sets the current message (and its sender) aside.</summary>
    /// <exception cref="IllegalActorStateException">The current message was already stashed.</exception>
    void Stash();

    /// <summary>Puts the oldest stashed message back at the head of the mailbox.</summary>
    void Unstash();

    /// <summary>Puts every stashed message back, in order, ahead of the messages already waiting.</summary>
    void UnstashAll();

    /// <summary>Puts back, in order, the stashed messages that match <paramref name="predicate"/>; drops the others from the stash.</summary>
    void UnstashAll(Func<Envelope, bool> predicate);

    /// <summary>Empties the stash and returns what it held, oldest first.</summary>
    IEnumerable<Envelope> ClearStash();

    /// <summary>The number of stashed messages.</summary>
    int Count { get; }

    /// <summary>True when nothing is stashed.</summary>
    bool IsEmpty { get; }
}
