namespace Shm.Actors.Event;

/// <summary>A log entry as published on the event stream (subscribe to <see cref="LogEvent"/> or a level's subtype to see them).</summary>
public abstract class LogEvent
{
    private protected LogEvent(string logSource, Type logClass, string message, Exception? cause)
    {
        LogSource = logSource;
        LogClass = logClass;
        Message = message;
        Cause = cause;
        Timestamp = DateTime.UtcNow;
        Thread = Environment.CurrentManagedThreadId;
    }

    /// <summary>The level.</summary>
    public abstract LogLevel LogLevel { get; }

    /// <summary>Who logged it (an actor path or the system).</summary>
    public string LogSource { get; }

    /// <summary>The class that logged it.</summary>
    public Type LogClass { get; }

    /// <summary>The formatted message.</summary>
    public string Message { get; }

    /// <summary>The exception, if any.</summary>
    public Exception? Cause { get; }

    /// <summary>When it was logged (UTC).</summary>
    public DateTime Timestamp { get; }

    /// <summary>The managed thread id that logged it.</summary>
    public int Thread { get; }

    /// <inheritdoc />
    public override string ToString() => $"[{LogLevel}][{Timestamp:O}][{LogSource}] {Message}{(Cause is null ? "" : " " + Cause)}";
}
