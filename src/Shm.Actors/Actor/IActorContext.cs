namespace Shm.Actors;

/// <summary>
/// What an actor can see and do about itself while it handles a message. It belongs to the actor's own turn: use it only
/// from the actor's message handling, lifecycle hooks and constructor, never from another thread or a callback
/// (copy <see cref="Sender"/> and <see cref="Self"/> into locals first).
/// </summary>
public interface IActorContext
{
    /// <summary>This actor's ref.</summary>
    IActorRef Self { get; }

    /// <summary>The sender of the message being handled; <see cref="ActorSystem.DeadLetters"/> when it had none.</summary>
    IActorRef Sender { get; }

    /// <summary>The supervisor.</summary>
    IActorRef Parent { get; }

    /// <summary>The props this actor was created from (and is re-created from on restart).</summary>
    Props Props { get; }

    /// <summary>The actor system.</summary>
    ActorSystem System { get; }

    /// <summary>The dispatcher running this actor.</summary>
    MessageDispatcher Dispatcher { get; }

    /// <summary>The idle time after which a <see cref="Shm.Actors.ReceiveTimeout"/> arrives, or null when off.</summary>
    TimeSpan? ReceiveTimeout { get; }

    /// <summary>The children, in no particular order (a snapshot).</summary>
    IEnumerable<IActorRef> Children { get; }

    /// <summary>Creates a child actor; it starts asynchronously (PreStart runs on the dispatcher).</summary>
    /// <param name="props">How to build the actor.</param>
    /// <param name="name">A name unique among the siblings, or null for a generated <c>$</c> name.</param>
    /// <exception cref="InvalidActorNameException">The name is invalid or taken.</exception>
    IActorRef ActorOf(Props props, string? name = null);

    /// <summary>A selection relative to this actor (<c>child</c>, <c>../sibling</c>) or absolute (<c>/user/a</c>, <c>shm://Sys/user/a</c>).</summary>
    ActorSelection ActorSelection(string path);

    /// <summary>The child named <paramref name="name"/>, or <see cref="ActorRefs.Nobody"/>.</summary>
    IActorRef Child(string name);

    /// <summary>The children, in no particular order (a snapshot).</summary>
    IEnumerable<IActorRef> GetChildren();

    /// <summary>Stops this actor or one of its children, asynchronously: the current message finishes first.</summary>
    void Stop(IActorRef child);

    /// <summary>Delivers <see cref="Terminated"/> when <paramref name="subject"/> stops (promptly if it already has). Idempotent.</summary>
    IActorRef Watch(IActorRef subject);

    /// <summary>Like <see cref="Watch"/> but delivers <paramref name="message"/> instead of <see cref="Terminated"/>.</summary>
    IActorRef WatchWith(IActorRef subject, object message);

    /// <summary>Stops watching; a Terminated already queued for <paramref name="subject"/> is dropped.</summary>
    IActorRef Unwatch(IActorRef subject);

    /// <summary>Replaces the current behaviour (no stack).</summary>
    void Become(Receive receive);

    /// <summary>Pushes a behaviour; <see cref="UnbecomeStacked"/> returns to the previous one.</summary>
    void BecomeStacked(Receive receive);

    /// <summary>Pops the behaviour pushed last; the initial behaviour is never popped.</summary>
    void UnbecomeStacked();

    /// <summary>Sets (or with null clears) the idle time after which a <see cref="Shm.Actors.ReceiveTimeout"/> message arrives.</summary>
    void SetReceiveTimeout(TimeSpan? timeout);
}
