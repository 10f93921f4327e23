namespace Shm.Actors.Event;

/// <summary>A debug-level log event.</summary>
public sealed class Debug(string logSource, Type logClass, string message, Exception? cause = null) : LogEvent(logSource, logClass, message, cause)
{
    /// <inheritdoc />
    public override LogLevel LogLevel => LogLevel.DebugLevel;
}
