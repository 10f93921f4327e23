using Akka.Actor;

namespace Shm.Transport.Remote;

/// <summary>
/// The temporary ref of an Ask made through a direct-path provider (Akka's <c>Ask</c> takes it from the provider's
/// <c>CreateFutureRef</c>). An ask to a <see cref="DirectActorRef"/> goes through the target node's response slots
/// (<see cref="DirectPath.TryAsk{T}"/>); anything else, or an ask the slots cannot take now, is told as Akka's own
/// future ref tells it, and its reply comes back to this ref's path.
/// </summary>
internal sealed class DirectAskFuture<T> : FutureActorRef<T>
{
    private readonly DirectPath _direct;

    public DirectAskFuture(TaskCompletionSource<T> result, ActorPath path, IActorRefProvider provider, DirectPath direct)
        : base(result, path, provider)
    {
        Result = result;
        _direct = direct;
    }

    /// <summary>The ask's outcome, completed by this ref's <c>Tell</c> (Akka's rules for replies) or by a failure of the path.</summary>
    public TaskCompletionSource<T> Result { get; }

    /// <inheritdoc />
    public override void DeliverAsk(object message, ICanTell destination)
    {
        if (destination is not DirectActorRef target || !_direct.TryAsk(target, message, this))
            base.DeliverAsk(message, destination);
    }
}
