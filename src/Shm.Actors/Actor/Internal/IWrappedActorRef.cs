namespace Shm.Actors.Internal;

/// <summary>
/// A ref that stands for another (a TestKit probe is usable wherever an <see cref="IActorRef"/> is). The runtime unwraps
/// it wherever it needs its own ref type: watching, stopping, asking.
/// </summary>
internal interface IWrappedActorRef
{
    IActorRef Underlying { get; }
}

internal static class ActorRefUnwrapping
{
    public static IActorRef Unwrap(this IActorRef actorRef) => actorRef is IWrappedActorRef wrapped ? wrapped.Underlying : actorRef;
}
