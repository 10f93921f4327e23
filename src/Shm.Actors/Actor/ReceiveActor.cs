using Shm.Actors.Internal;

namespace Shm.Actors;

/// <summary>
/// An actor that declares typed handlers. Register them in the constructor, or inside a <see cref="Become(Action)"/> /
/// <see cref="BecomeStacked(Action)"/> callback; registering anywhere else throws. The first handler (in registration order)
/// whose type and predicate match takes a message; if none does, <see cref="ActorBase.Unhandled"/> is called.
/// </summary>
/// <example><code>
/// public sealed class Counter : ReceiveActor
/// {
///     private int _count;
///     public Counter()
///     {
///         Receive&lt;Increment&gt;(_ =&gt; _count++);
///         Receive&lt;GetCount&gt;(_ =&gt; Sender.Tell(_count));
///     }
/// }
/// </code></example>
public abstract class ReceiveActor : ActorBase
{
    // Non-null while handlers may be registered: during the constructor and inside a Become callback.
    private List<MessageHandler>? _registering = [];
    private HandlerSet? _initial;

    /// <summary>Handles messages of type <typeparamref name="T"/> (that pass <paramref name="shouldHandle"/>, if given).</summary>
    protected void Receive<T>(Action<T> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(new ActionHandler<T>(handler, shouldHandle));
    }

    /// <summary>Handles messages of type <typeparamref name="T"/> that pass <paramref name="shouldHandle"/>.</summary>
    protected void Receive<T>(Predicate<T> shouldHandle, Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(new ActionHandler<T>(handler, shouldHandle));
    }

    /// <summary>Handles messages of type <typeparamref name="T"/>; when <paramref name="handler"/> returns false, matching goes on.</summary>
    protected void Receive<T>(Func<T, bool> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(new FuncHandler<T>(handler));
    }

    /// <summary>Handles messages assignable to <paramref name="messageType"/>.</summary>
    protected void Receive(Type messageType, Action<object> handler, Predicate<object>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(messageType);
        ArgumentNullException.ThrowIfNull(handler);
        Register(new TypeHandler(messageType, handler, shouldHandle));
    }

    /// <summary>
    /// Handles messages of type <typeparamref name="T"/> asynchronously: the actor takes no other user message until the
    /// returned task completes, code after each <c>await</c> runs in the actor's context (Self, Sender, Context stay valid),
    /// and a faulted task fails the actor like a throw.
    /// </summary>
    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(new AsyncHandler<T>(handler, shouldHandle));
    }

    /// <summary>Handles every message that reached it (register it last).</summary>
    protected void ReceiveAny(Action<object> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(new ActionHandler<object>(handler, null));
    }

    /// <summary>Handles every message that reached it asynchronously (see <see cref="ReceiveAsync{T}"/>).</summary>
    protected void ReceiveAnyAsync(Func<object, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(new AsyncHandler<object>(handler, null));
    }

    /// <summary>Replaces the behaviour with the handlers that <paramref name="configure"/> registers.</summary>
    protected void Become(Action configure) => Context.Become(Build(configure));

    /// <summary>Pushes the handlers that <paramref name="configure"/> registers; <see cref="UnbecomeStacked"/> pops them.</summary>
    protected void BecomeStacked(Action configure) => Context.BecomeStacked(Build(configure));

    /// <summary>Pops the behaviour pushed last.</summary>
    protected static void UnbecomeStacked() => Context.UnbecomeStacked();

    /// <summary>Not called: a receive actor dispatches to its registered handlers.</summary>
    protected sealed override bool Receive(object message) => (_initial ??= Seal()).Handle(message);

    internal override Receive InitialBehavior()
    {
        _initial ??= Seal();
        return _initial.Handle;
    }

    private HandlerSet Seal()
    {
        var set = new HandlerSet([.. _registering ?? []]);
        _registering = null;
        return set;
    }

    private Receive Build(Action configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        List<MessageHandler>? outer = _registering;
        _registering = [];
        try
        {
            configure();
            return new HandlerSet([.. _registering]).Handle;
        }
        finally
        {
            _registering = outer;
        }
    }

    private void Register(MessageHandler handler)
    {
        if (_registering is null)
            ThrowHelper.ThrowLateRegistration(GetType());
        _registering.Add(handler);
    }
}
