namespace Shm.Actors;

/// <summary>Implement on an actor to get an unbounded <see cref="IStash"/>; the runtime sets <see cref="Stash"/> before the constructor body runs.</summary>
public interface IWithUnboundedStash
{
    /// <summary>The actor's stash (set by the runtime).</summary>
    IStash Stash { get; set; }
}
