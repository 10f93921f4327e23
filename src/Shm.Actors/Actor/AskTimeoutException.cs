namespace Shm.Actors;

/// <summary>An Ask got no reply within its timeout, or its target had already stopped.</summary>
public sealed class AskTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public AskTimeoutException(string message) : base(message) { }
}
