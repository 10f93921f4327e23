namespace Shm.Actors;

/// <summary>The failure caused by <see cref="Kill"/>; the default decider stops the actor.</summary>
public sealed class ActorKilledException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActorKilledException(string message) : base(message) { }
}
