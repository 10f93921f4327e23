using Shm.Actors.Internal;

namespace Shm.Actors.Event;

/// <summary>Entry points for <see cref="ILoggingAdapter"/>s.</summary>
public static class Logging
{
    /// <summary>A logger whose source is the actor's path and whose MEL category is the actor's class.</summary>
    /// <example><code>
    /// private readonly ILoggingAdapter _log = Context.GetLogger();
    /// _log.Info("Started {0} workers", count);
    /// </code></example>
    public static ILoggingAdapter GetLogger(this IActorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Type logClass = (context as ActorCell)?.Actor?.GetType() ?? context.Props.Type;
        return GetLogger(context.System, context.Self.Path.ToString(), logClass);
    }

    /// <summary>A logger with an explicit source and class (for code outside actors).</summary>
    public static ILoggingAdapter GetLogger(ActorSystem system, string logSource, Type logClass)
    {
        ArgumentNullException.ThrowIfNull(system);
        return new LoggingAdapter(system.Settings, system.EventStream, logSource, logClass);
    }
}
