namespace Shm.Actors;

/// <summary>An operation is not allowed in the actor's current state (e.g. stashing the same message twice).</summary>
public sealed class IllegalActorStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public IllegalActorStateException(string message) : base(message) { }
}
