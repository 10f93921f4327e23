using Shm.Actors.Event;

namespace Shm.TestKit;

/// <summary>
/// Builds expectations on log events and dead letters (Akka.TestKit's <c>EventFilter</c>): pick what to match, then run the
/// code that should cause it with <see cref="EventFilterApplier.ExpectOne(Action)"/> or
/// <see cref="EventFilterApplier.Expect(int, Action, TimeSpan?)"/>. Unlike Akka's, matching events are counted, not kept out of the log.
/// </summary>
/// <example><code>
/// EventFilter.Exception&lt;InvalidOperationException&gt;(contains: "boom").ExpectOne(() => actor.Tell("fail"));
/// EventFilter.DeadLetter&lt;string&gt;().Expect(2, () => { stopped.Tell("a"); stopped.Tell("b"); });
/// </code></example>
public sealed class EventFilterFactory
{
    private readonly TestKitBase _kit;

    internal EventFilterFactory(TestKitBase kit) => _kit = kit;

    /// <summary>Error events whose cause is a <typeparamref name="TException"/> (subtypes included).</summary>
    public EventFilterApplier Exception<TException>(string? message = null, string? contains = null, string? source = null) where TException : Exception =>
        Log<Error>(e => e.Cause is TException, message, contains, source, $"Error with {typeof(TException).Name}");

    /// <summary>Error-level log events.</summary>
    public EventFilterApplier Error(string? message = null, string? contains = null, string? source = null) =>
        Log<Error>(null, message, contains, source, "Error");

    /// <summary>Warning-level log events.</summary>
    public EventFilterApplier Warning(string? message = null, string? contains = null, string? source = null) =>
        Log<Warning>(null, message, contains, source, "Warning");

    /// <summary>Info-level log events.</summary>
    public EventFilterApplier Info(string? message = null, string? contains = null, string? source = null) =>
        Log<Info>(null, message, contains, source, "Info");

    /// <summary>Debug-level log events (the system's log level must let them through).</summary>
    public EventFilterApplier Debug(string? message = null, string? contains = null, string? source = null) =>
        Log<Debug>(null, message, contains, source, "Debug");

    /// <summary>Dead letters whose message is a <typeparamref name="TMessage"/>.</summary>
    public EventFilterApplier DeadLetter<TMessage>() =>
        new(_kit, typeof(AllDeadLetters), e => e is Actors.Event.DeadLetter d && d.Message is TMessage, $"DeadLetter of {typeof(TMessage).Name}");

    private EventFilterApplier Log<TEvent>(Func<TEvent, bool>? extra, string? message, string? contains, string? source, string description)
        where TEvent : LogEvent
    {
        return new EventFilterApplier(_kit, typeof(TEvent), e =>
            e is TEvent log
            && (extra is null || extra(log))
            && (message is null || log.Message == message)
            && (contains is null || log.Message.Contains(contains, StringComparison.Ordinal))
            && (source is null || log.LogSource == source),
            description + (message is null ? "" : $" '{message}'") + (contains is null ? "" : $" containing '{contains}'"));
    }
}
