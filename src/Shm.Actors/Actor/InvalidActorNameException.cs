namespace Shm.Actors;

/// <summary>An actor name is empty, has characters outside the allowed set, starts with <c>$</c>, or is taken by a sibling.</summary>
public sealed class InvalidActorNameException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidActorNameException(string message) : base(message) { }
}
