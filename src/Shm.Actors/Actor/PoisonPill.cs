using Shm.Actors.Event;

namespace Shm.Actors;

/// <summary>Stops the actor when it reaches the head of the mailbox (messages before it are handled). The actor cannot intercept it.</summary>
public sealed class PoisonPill : IAutoReceivedMessage, IDeadLetterSuppression
{
    /// <summary>The only instance.</summary>
    public static readonly PoisonPill Instance = new();

    private PoisonPill() { }

    /// <inheritdoc />
    public override string ToString() => "<PoisonPill>";
}
