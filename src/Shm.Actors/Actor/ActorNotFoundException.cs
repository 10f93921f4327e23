namespace Shm.Actors;

/// <summary><see cref="ActorSelection.ResolveOne(TimeSpan)"/> found no actor at the selection's path.</summary>
public sealed class ActorNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActorNotFoundException(string message, Exception? inner = null) : base(message, inner) { }
}
