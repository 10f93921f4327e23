namespace Shm.Actors.Event;

/// <summary>An error-level log event.</summary>
public sealed class Error(string logSource, Type logClass, string message, Exception? cause = null) : LogEvent(logSource, logClass, message, cause)
{
    /// <inheritdoc />
    public override LogLevel LogLevel => LogLevel.ErrorLevel;
}
