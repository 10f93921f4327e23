namespace Shm.Actors.Event;

/// <summary>An info-level log event.</summary>
public sealed class Info(string logSource, Type logClass, string message, Exception? cause = null) : LogEvent(logSource, logClass, message, cause)
{
    /// <inheritdoc />
    public override LogLevel LogLevel => LogLevel.InfoLevel;
}
