namespace Shm.Actors;

/// <summary>
/// Runs actors on the .NET thread pool. An actor with messages is queued as one work item; its turn handles system
/// messages, then up to <see cref="Throughput"/> user messages, then gives the thread back so other actors get a turn.
/// An actor never runs on two threads at once, and consecutive turns see each other's writes.
/// </summary>
public sealed class MessageDispatcher
{
    /// <summary>The id of the dispatcher every actor uses unless its props say otherwise.</summary>
    public const string DefaultDispatcherId = "akka.actor.default-dispatcher";

    internal MessageDispatcher(string id, int throughput)
    {
        Id = id;
        Throughput = throughput;
    }

    /// <summary>The id under which the dispatcher is registered in <see cref="ActorSystemSettings.Dispatchers"/>.</summary>
    public string Id { get; }

    /// <summary>User messages handled per turn before the thread is given back: higher = faster, lower = fairer.</summary>
    public int Throughput { get; }
}
