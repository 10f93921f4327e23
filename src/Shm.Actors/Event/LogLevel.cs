namespace Shm.Actors.Event;

/// <summary>Severity of a log event, lowest first (Akka's names).</summary>
public enum LogLevel
{
    /// <summary>Diagnostics for developers.</summary>
    DebugLevel,

    /// <summary>Normal operation.</summary>
    InfoLevel,

    /// <summary>Something unexpected that the system handled.</summary>
    WarningLevel,

    /// <summary>A failure.</summary>
    ErrorLevel,
}
