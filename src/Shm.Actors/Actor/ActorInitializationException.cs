namespace Shm.Actors;

/// <summary>An actor's constructor or PreStart threw (or it was created with <c>new</c>). The default decider stops it.</summary>
public sealed class ActorInitializationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActorInitializationException(IActorRef? actor, string message, Exception? cause) : base(message, cause) => Actor = actor;

    /// <summary>The actor that failed to start, when known.</summary>
    public IActorRef? Actor { get; }
}
