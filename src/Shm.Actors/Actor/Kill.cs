namespace Shm.Actors;

/// <summary>Makes the actor fail with <see cref="ActorKilledException"/> when it reaches the head of the mailbox; the supervisor decides (by default: stop).</summary>
public sealed class Kill : IAutoReceivedMessage
{
    /// <summary>The only instance.</summary>
    public static readonly Kill Instance = new();

    private Kill() { }

    /// <inheritdoc />
    public override string ToString() => "<Kill>";
}
