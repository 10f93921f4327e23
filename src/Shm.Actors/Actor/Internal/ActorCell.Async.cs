namespace Shm.Actors.Internal;

internal sealed partial class ActorCell
{
    // True while a ReceiveAsync handler's task runs: user messages wait, system messages (and its continuations) flow.
    private bool _awaitingTask;
    private IActorRef? _asyncSender;
    private object? _asyncMessage;
    private Task? _awaitedTask;
    private ActorSynchronizationContext? _synchronizationContext;

    /// <summary>Runs an async handler; if its task is still pending, pauses user messages until it completes.</summary>
    public void RunAsyncHandler(Func<Task> handler)
    {
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_synchronizationContext ??= new ActorSynchronizationContext(this));
        Task task;
        try
        {
            task = handler();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        if (task.IsCompleted)
        {
            task.GetAwaiter().GetResult();   // a synchronous fault fails the actor like a throw
            return;
        }
        _awaitingTask = true;
        _awaitedTask = task;
        _asyncSender = _currentSender;
        _asyncMessage = _currentMessage;
        task.ContinueWith(
            static (t, state) => ((ActorCell)state!).Mailbox.PostSystem(new AsyncHandlerCompleted(t)),
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void RunContinuation(RunContinuation continuation)
    {
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_synchronizationContext);
        _currentSender = _asyncSender;
        _currentMessage = _asyncMessage;
        try
        {
            continuation.Callback(continuation.State);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
            _currentSender = null;
            _currentMessage = null;
        }
    }

    private void AsyncHandlerCompleted(Task task)
    {
        if (!_awaitingTask || !ReferenceEquals(task, _awaitedTask)) return;   // a restart or stop already moved on
        _awaitingTask = false;
        _awaitedTask = null;
        _asyncSender = null;
        if (task.IsFaulted || task.IsCanceled)
        {
            _currentMessage = _asyncMessage;
            Exception cause = task.Exception?.InnerException ?? new TaskCanceledException(task);
            _asyncMessage = null;
            HandleInvokeFailure(cause);
            _currentMessage = null;
            return;
        }
        _asyncMessage = null;
    }
}
