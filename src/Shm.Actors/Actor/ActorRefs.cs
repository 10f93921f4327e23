namespace Shm.Actors;

/// <summary>Well-known refs.</summary>
public static class ActorRefs
{
    /// <summary>A ref that silently drops everything sent to it (no dead letters).</summary>
    public static readonly IActorRef Nobody = Internal.Nobody.Instance;

    /// <summary>"No sender": <c>null</c>. A receiver sees <see cref="ActorSystem.DeadLetters"/> as the sender instead.</summary>
    public static readonly IActorRef? NoSender = null;
}
