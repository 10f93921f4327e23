namespace Shm.Actors.Event;

/// <summary>
/// Logging for actors, with Akka's positional formats (<c>"{0} items"</c>). Entries below the system's
/// <see cref="ActorSystemSettings.LogLevel"/> are dropped before formatting; the rest go to the
/// <see cref="Microsoft.Extensions.Logging.ILoggerFactory"/> of the settings and are published on the event stream as
/// <see cref="LogEvent"/>s. Thread-safe; never throws for a bad format (the raw format is logged instead).
/// </summary>
public interface ILoggingAdapter
{
    /// <summary>True when debug entries are kept.</summary>
    bool IsDebugEnabled { get; }

    /// <summary>True when info entries are kept.</summary>
    bool IsInfoEnabled { get; }

    /// <summary>True when warnings are kept.</summary>
    bool IsWarningEnabled { get; }

    /// <summary>True when errors are kept.</summary>
    bool IsErrorEnabled { get; }

    /// <summary>True when entries of <paramref name="level"/> are kept.</summary>
    bool IsEnabled(LogLevel level);

    /// <summary>Logs at <paramref name="level"/>.</summary>
    void Log(LogLevel level, Exception? cause, string format, params object?[] args);

    /// <summary>Logs a debug entry.</summary>
    void Debug(string format, params object?[] args);

    /// <summary>Logs an info entry.</summary>
    void Info(string format, params object?[] args);

    /// <summary>Logs a warning.</summary>
    void Warning(string format, params object?[] args);

    /// <summary>Logs a warning with an exception.</summary>
    void Warning(Exception cause, string format, params object?[] args);

    /// <summary>Logs an error.</summary>
    void Error(string format, params object?[] args);

    /// <summary>Logs an error with an exception.</summary>
    void Error(Exception cause, string format, params object?[] args);
}
