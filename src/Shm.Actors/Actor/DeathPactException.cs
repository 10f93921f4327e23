namespace Shm.Actors;

/// <summary>Thrown when a <see cref="Terminated"/> is left unhandled: a watcher that ignores its watchee's death fails too (the default decider stops it).</summary>
public sealed class DeathPactException : Exception
{
    /// <summary>Creates the exception for the dead actor <paramref name="deadActor"/>.</summary>
    public DeathPactException(IActorRef deadActor)
        : base($"Monitored actor {deadActor} terminated and the Terminated message was not handled.") => DeadActor = deadActor;

    /// <summary>The actor whose death was not handled.</summary>
    public IActorRef DeadActor { get; }
}
