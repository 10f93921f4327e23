using Shm.Actors.Event;
using Shm.Actors.Internal;

namespace Shm.Actors;

/// <summary>
/// The base of every actor. An instance is created by the runtime from <see cref="Props"/> (never with <c>new</c> by user
/// code), handles one message at a time, and is replaced by a fresh instance when its supervisor restarts it.
/// </summary>
public abstract class ActorBase
{
    private readonly ActorCell _cell;

    /// <summary>Binds the new instance to the cell that is creating it.</summary>
    /// <exception cref="ActorInitializationException">The actor was created with <c>new</c> instead of through <see cref="Props"/>.</exception>
    protected ActorBase()
    {
        _cell = ActorCell.TakeCellBeingCreated()
            ?? throw ThrowHelper.CreateCreatedWithNew(GetType());
        if (this is IWithTimers withTimers) withTimers.Timers = _cell.Timers;
        if (this is IWithUnboundedStash withStash) withStash.Stash = _cell.Stash;
    }

    /// <summary>The context of the actor currently handling a message on this thread.</summary>
    /// <exception cref="NotSupportedException">Called outside an actor's message handling (e.g. from a callback on another thread).</exception>
    protected static IActorContext Context => ActorCell.Current
        ?? throw ThrowHelper.CreateNoActiveContext();

    /// <summary>This actor's ref; safe to capture in callbacks.</summary>
    protected IActorRef Self => _cell.Self;

    /// <summary>The sender of the message being handled (valid only during that message).</summary>
    protected IActorRef Sender => _cell.Sender;

    internal ActorCell Cell => _cell;

    /// <summary>The initial behaviour: handles <paramref name="message"/> and returns true, or returns false if unhandled.</summary>
    protected abstract bool Receive(object message);

    /// <summary>Called for messages no behaviour handled: publishes <see cref="UnhandledMessage"/>, or for <see cref="Terminated"/> throws <see cref="DeathPactException"/>.</summary>
    protected virtual void Unhandled(object message)
    {
        if (message is Terminated terminated) throw new DeathPactException(terminated.ActorRef);
        _cell.System.EventStream.Publish(new UnhandledMessage(message, _cell.Sender, _cell.Self));
    }

    /// <summary>Runs after construction, before the first message. A throw here fails the actor with <see cref="ActorInitializationException"/>.</summary>
    protected virtual void PreStart() { }

    /// <summary>Runs once the actor and all its children have stopped, before watchers are told.</summary>
    protected virtual void PostStop() { }

    /// <summary>Runs on the failed instance before a restart. By default unwatches and stops every child, then calls <see cref="PostStop"/>.</summary>
    /// <param name="reason">The failure.</param>
    /// <param name="message">The message being handled when it failed, if any.</param>
    protected virtual void PreRestart(Exception reason, object? message)
    {
        IActorContext context = Context;
        foreach (IActorRef child in context.GetChildren().ToList())
        {
            context.Unwatch(child);
            context.Stop(child);
        }
        PostStop();
    }

    /// <summary>Runs on the fresh instance after a restart; by default calls <see cref="PreStart"/>.</summary>
    protected virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>How this actor supervises its children; <see cref="Actors.SupervisorStrategy.DefaultStrategy"/> unless overridden (Props can override it too).</summary>
    protected virtual SupervisorStrategy SupervisorStrategy() => Actors.SupervisorStrategy.DefaultStrategy;

    /// <summary>Sets (or with null clears) the receive timeout; see <see cref="IActorContext.SetReceiveTimeout"/>.</summary>
    protected void SetReceiveTimeout(TimeSpan? timeout) => Context.SetReceiveTimeout(timeout);

    /// <summary>
    /// Runs <paramref name="action"/> as if it were a <c>ReceiveAsync</c> handler: the actor handles no other user message until
    /// the task completes, and code after each <c>await</c> runs in the actor's context.
    /// </summary>
    protected static void RunTask(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        ActorCell cell = ActorCell.Current ?? throw ThrowHelper.CreateRunTaskOutsideActor();
        cell.RunAsyncHandler(action);
    }

    internal bool InvokeReceive(object message) => Receive(message);

    internal void InvokeUnhandled(object message) => Unhandled(message);

    internal void InvokePreStart() => PreStart();

    internal void InvokePostStop() => PostStop();

    internal void InvokePreRestart(Exception reason, object? message) => PreRestart(reason, message);

    internal void InvokePostRestart(Exception reason) => PostRestart(reason);

    internal SupervisorStrategy InvokeSupervisorStrategy() => SupervisorStrategy();

    /// <summary>The behaviour the cell starts with; a <see cref="ReceiveActor"/> returns its registered handlers.</summary>
    internal virtual Receive InitialBehavior() => Receive;
}
