using Shm.Actors.Internal;

namespace Shm.Actors;

/// <summary>
/// Ask: send a message and get the reply as a task. The receiver sees a temporary ref under <c>/temp</c> as the sender.
/// A reply of type <c>T</c> completes the task; <see cref="Status.Failure"/> faults it with its cause; another type faults
/// it with <see cref="ArgumentException"/>; no reply within the timeout faults it with <see cref="AskTimeoutException"/>;
/// a cancelled token cancels it. Replies after that are dead letters. Never block on the task inside an actor: PipeTo it.
/// </summary>
public static class Futures
{
    /// <summary>Asks with <paramref name="timeout"/> (null: <see cref="ActorSystemSettings.AskTimeout"/>).</summary>
    public static Task<object> Ask(this ICanTell self, object message, TimeSpan? timeout = null) => Ask<object>(self, message, timeout, CancellationToken.None);

    /// <summary>Asks until <paramref name="cancellationToken"/> is cancelled (and the default timeout, if any).</summary>
    public static Task<object> Ask(this ICanTell self, object message, CancellationToken cancellationToken) => Ask<object>(self, message, null, cancellationToken);

    /// <summary>Asks with a timeout and a token.</summary>
    public static Task<object> Ask(this ICanTell self, object message, TimeSpan? timeout, CancellationToken cancellationToken) =>
        Ask<object>(self, message, timeout, cancellationToken);

    /// <summary>Asks for a reply of type <typeparamref name="T"/> within <paramref name="timeout"/>.</summary>
    public static Task<T> Ask<T>(this ICanTell self, object message, TimeSpan? timeout = null) => Ask<T>(self, message, timeout, CancellationToken.None);

    /// <summary>Asks for a reply of type <typeparamref name="T"/> until <paramref name="cancellationToken"/> is cancelled.</summary>
    public static Task<T> Ask<T>(this ICanTell self, object message, CancellationToken cancellationToken) => Ask<T>(self, message, null, cancellationToken);

    /// <summary>Asks for a reply of type <typeparamref name="T"/> with a timeout and a token.</summary>
    public static Task<T> Ask<T>(this ICanTell self, object message, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return AskCore<T>(self, message, null, timeout, cancellationToken);
    }

    /// <summary>Asks with a message built from the reply-to ref (for protocols that carry it in the message).</summary>
    public static Task<T> Ask<T>(this ICanTell self, Func<IActorRef, object> messageFactory, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageFactory);
        return AskCore<T>(self, null, messageFactory, timeout, cancellationToken);
    }

    // Exactly one of message and messageFactory is set; taking both avoids a closure per plain Ask.
    private static Task<T> AskCore<T>(ICanTell self, object? message, Func<IActorRef, object>? messageFactory, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(self);
        if (self is IActorRef actorRef) self = actorRef.Unwrap();
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<T>(cancellationToken);
        if (self is IAskTarget answersItself)
        {
            return message is not null
                ? answersItself.Ask<T>(message, timeout, cancellationToken)
                : Task.FromException<T>(new NotSupportedException(
                    $"Ask with a message factory is not supported for {self}: its reply comes back through a response slot, not a reply-to ref. Use Ask(message)."));
        }
        ActorSystemImpl system = SystemOf(self);
        if (self is InternalActorRef target && target.IsTerminated)
            return Task.FromException<T>(new AskTimeoutException($"The recipient {target} had already been terminated."));
        TimeSpan? effective = timeout ?? system.Settings.AskTimeout;
        if (effective is { } t && t != Timeout.InfiniteTimeSpan) ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(t, TimeSpan.Zero, nameof(timeout));
        var promise = new PromiseActorRef<T>(system);
        if (effective is { } due && due != Timeout.InfiniteTimeSpan) promise.StartTimeout(due);
        if (cancellationToken.CanBeCanceled) promise.RegisterCancellation(cancellationToken);
        self.Tell(message ?? messageFactory!(promise), promise);
        return promise.Task;
    }

    private static ActorSystemImpl SystemOf(ICanTell target) => target switch
    {
        LocalActorRef local => local.Cell.System,
        ActorSelection selection => selection.System,
        _ => throw ThrowHelper.CreateAskUnsupportedTarget(target),
    };
}
