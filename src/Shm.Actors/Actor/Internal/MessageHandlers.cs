namespace Shm.Actors.Internal;

/// <summary>One registered handler of a <see cref="ReceiveActor"/>: tries a message, returns true if it took it.</summary>
internal abstract class MessageHandler
{
    public abstract bool TryHandle(object message);
}

internal sealed class ActionHandler<T>(Action<T> handler, Predicate<T>? shouldHandle) : MessageHandler
{
    public override bool TryHandle(object message)
    {
        if (message is not T typed || (shouldHandle is not null && !shouldHandle(typed))) return false;
        handler(typed);
        return true;
    }
}

/// <summary><c>Receive&lt;T&gt;(Func&lt;T, bool&gt;)</c>: the handler itself says whether it took the message.</summary>
internal sealed class FuncHandler<T>(Func<T, bool> handler) : MessageHandler
{
    public override bool TryHandle(object message) => message is T typed && handler(typed);
}

internal sealed class AsyncHandler<T>(Func<T, Task> handler, Predicate<T>? shouldHandle) : MessageHandler
{
    public override bool TryHandle(object message)
    {
        if (message is not T typed || (shouldHandle is not null && !shouldHandle(typed))) return false;
        ActorCell cell = ActorCell.Current!;
        cell.RunAsyncHandler(() => handler(typed));
        return true;
    }
}

/// <summary><c>Receive(Type, …)</c> for a type only known at run time.</summary>
internal sealed class TypeHandler(Type type, Action<object> handler, Predicate<object>? shouldHandle) : MessageHandler
{
    public override bool TryHandle(object message)
    {
        if (!type.IsInstanceOfType(message) || (shouldHandle is not null && !shouldHandle(message))) return false;
        handler(message);
        return true;
    }
}

/// <summary>The handlers of one behaviour, tried in registration order; the first that takes a message wins.</summary>
internal sealed class HandlerSet(MessageHandler[] handlers)
{
    public bool Handle(object message)
    {
        foreach (MessageHandler h in handlers)
        {
            if (h.TryHandle(message)) return true;
        }
        return false;
    }
}
