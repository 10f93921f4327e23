namespace Shm.Actors.Internal;

// System messages: the runtime's own traffic between cells. They bypass the user queue, are processed before user
// messages on every turn (also while the actor is suspended), and each instance travels once: Next links it into the
// receiving mailbox's lock-free stack, so an instance must never be sent twice.

/// <summary>Base of every system message; <see cref="Next"/> is the intrusive link of the mailbox's system stack.</summary>
internal abstract class SystemMessage
{
    public SystemMessage? Next;
}

/// <summary>First message of every cell: build the actor and run PreStart.</summary>
internal sealed class Create : SystemMessage;

/// <summary>Stop: children first, then PostStop, then tell watchers and the parent.</summary>
internal sealed class Terminate : SystemMessage;

/// <summary>From the parent after a failure: throw the failed instance away and build a new one.</summary>
internal sealed class Recreate(Exception cause) : SystemMessage
{
    public Exception Cause { get; } = cause;
}

/// <summary>Pause user messages (this actor and, transitively, its children).</summary>
internal sealed class Suspend : SystemMessage;

/// <summary>Undo one <see cref="Suspend"/>; when <see cref="CausedByFailure"/> is set it also ends the failed state.</summary>
internal sealed class Resume(Exception? causedByFailure) : SystemMessage
{
    public Exception? CausedByFailure { get; } = causedByFailure;
}

/// <summary>Child → parent: I failed with <see cref="Cause"/> and am suspended until you decide.</summary>
internal sealed class Failed(IActorRef child, Exception cause, long uid) : SystemMessage
{
    public IActorRef Child { get; } = child;
    public Exception Cause { get; } = cause;
    public long Uid { get; } = uid;
}

/// <summary>To the watchee: <see cref="Watcher"/> wants a Terminated when <see cref="Watchee"/> stops.</summary>
internal sealed class Watch(IActorRef watchee, IActorRef watcher) : SystemMessage
{
    public IActorRef Watchee { get; } = watchee;
    public IActorRef Watcher { get; } = watcher;
}

/// <summary>To the watchee: forget <see cref="Watcher"/>.</summary>
internal sealed class Unwatch(IActorRef watchee, IActorRef watcher) : SystemMessage
{
    public IActorRef Watchee { get; } = watchee;
    public IActorRef Watcher { get; } = watcher;
}

/// <summary>To watchers and the parent: <see cref="Actor"/> has stopped.</summary>
internal sealed class DeathWatchNotification(IActorRef actor, bool existenceConfirmed, bool addressTerminated) : SystemMessage
{
    public IActorRef Actor { get; } = actor;
    public bool ExistenceConfirmed { get; } = existenceConfirmed;
    public bool AddressTerminated { get; } = addressTerminated;
}

/// <summary>A continuation of a <c>ReceiveAsync</c> handler, run in the actor's context.</summary>
internal sealed class RunContinuation(SendOrPostCallback callback, object? state) : SystemMessage
{
    public SendOrPostCallback Callback { get; } = callback;
    public object? State { get; } = state;
}

/// <summary>The task of a <c>ReceiveAsync</c> handler finished: user messages may flow again (or the fault is handled).</summary>
internal sealed class AsyncHandlerCompleted(Task task) : SystemMessage
{
    public Task Task { get; } = task;
}
