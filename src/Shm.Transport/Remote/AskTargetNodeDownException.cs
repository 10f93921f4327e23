using Akka.Actor;

namespace Shm.Transport.Remote;

/// <summary>
/// An Ask on the direct path failed because the node of its target went down (its process died or left) while the ask
/// was pending, or was not up when it was made: reported within milliseconds of a kill -9 rather than at the ask's
/// timeout. It is an <see cref="AskTimeoutException"/>, so code that handles Akka's ask timeouts handles it too.
/// </summary>
public sealed class AskTargetNodeDownException : AskTimeoutException
{
    /// <summary>Creates the exception for an ask to <paramref name="target"/>.</summary>
    public AskTargetNodeDownException(ActorPath target)
        : base($"The node {target.Address} is down: the Ask to {target} cannot be answered.")
    {
        Target = target;
    }

    /// <summary>The actor the ask was for.</summary>
    public ActorPath Target { get; }
}
