namespace Shm.Actors.Internal;

/// <summary>
/// The temporary reply-to ref of one Ask: the first reply completes the task, anything later is a dead letter. Its
/// <c>/temp</c> path is only built if someone looks at it, so an Ask costs this object, its task and (with a timeout) a timer.
/// </summary>
internal sealed class PromiseActorRef<T> : MinimalActorRef
{
    // Continuations run asynchronously: a reply is usually sent from inside an actor's turn, and the asker's code after
    // 'await' must not run on (and block) that actor's thread.
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActorSystemImpl _system;
    private ActorPath? _path;
    private ITimer? _timeout;
    private CancellationTokenRegistration _cancellation;

    public PromiseActorRef(ActorSystemImpl system) => _system = system;

    public Task<T> Task => _completion.Task;

    public override ActorPath Path => _path ??= _system.Provider.TempPath();

    public override bool IsTerminated => _completion.Task.IsCompleted;

    public void StartTimeout(TimeSpan timeout)
    {
        _timeout = _system.Settings.TimeProvider.CreateTimer(
            static state =>
            {
                var (self, t) = ((PromiseActorRef<T>, TimeSpan))state!;
                if (self._completion.TrySetException(AskReply.Timeout(t, self.Path))) self.CleanUp();
            },
            (this, timeout), timeout, Timeout.InfiniteTimeSpan);
    }

    public void RegisterCancellation(CancellationToken cancellationToken)
    {
        _cancellation = cancellationToken.Register(static (state, token) =>
        {
            var self = (PromiseActorRef<T>)state!;
            if (self._completion.TrySetCanceled(token)) self.CleanUp();
        }, this);
    }

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        bool completed = AskReply.Interpret(message, out T result) is { } error
            ? _completion.TrySetException(error)
            : _completion.TrySetResult(result);
        if (completed) CleanUp();
        else _system.DeadLetterRef.Deliver(message, sender, this);
    }

    private void CleanUp()
    {
        _timeout?.Dispose();
        _cancellation.Dispose();
    }
}
