namespace Shm.Actors;

/// <summary>
/// A handle to an actor incarnation: the only way to talk to it. A ref may outlive its actor; messages sent after the actor
/// stopped become dead letters, and <c>Context.Watch</c> tells you when that happened. Refs are thread-safe, may be shared
/// freely and compare by path and uid, so a new actor created under the same name is a different ref.
/// </summary>
public interface IActorRef : ICanTell, IEquatable<IActorRef>, IComparable<IActorRef>
{
    /// <summary>The actor's path, carrying the incarnation uid.</summary>
    ActorPath Path { get; }
}
