namespace Shm.Actors.Event;

/// <summary>A warning-level log event.</summary>
public sealed class Warning(string logSource, Type logClass, string message, Exception? cause = null) : LogEvent(logSource, logClass, message, cause)
{
    /// <inheritdoc />
    public override LogLevel LogLevel => LogLevel.WarningLevel;
}
