using System.Globalization;
using Microsoft.Extensions.Logging;
using MelLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Shm.Actors.Event;

/// <summary>The <see cref="ILoggingAdapter"/> bridged to Microsoft.Extensions.Logging: one MEL logger per log class.</summary>
internal sealed class LoggingAdapter : ILoggingAdapter
{
    private readonly EventStream _eventStream;
    private readonly ILogger _logger;
    private readonly LogLevel _minimum;
    private readonly string _logSource;
    private readonly Type _logClass;

    public LoggingAdapter(ActorSystemSettings settings, EventStream eventStream, string logSource, Type logClass)
    {
        _eventStream = eventStream;
        _logger = settings.LoggerFactory.CreateLogger(logClass.FullName ?? logClass.Name);
        _minimum = settings.LogLevel;
        _logSource = logSource;
        _logClass = logClass;
    }

    public bool IsDebugEnabled => IsEnabled(LogLevel.DebugLevel);

    public bool IsInfoEnabled => IsEnabled(LogLevel.InfoLevel);

    public bool IsWarningEnabled => IsEnabled(LogLevel.WarningLevel);

    public bool IsErrorEnabled => IsEnabled(LogLevel.ErrorLevel);

    public bool IsEnabled(LogLevel level) => level >= _minimum;

    public void Debug(string format, params object?[] args) => Log(LogLevel.DebugLevel, null, format, args);

    public void Info(string format, params object?[] args) => Log(LogLevel.InfoLevel, null, format, args);

    public void Warning(string format, params object?[] args) => Log(LogLevel.WarningLevel, null, format, args);

    public void Warning(Exception cause, string format, params object?[] args) => Log(LogLevel.WarningLevel, cause, format, args);

    public void Error(string format, params object?[] args) => Log(LogLevel.ErrorLevel, null, format, args);

    public void Error(Exception cause, string format, params object?[] args) => Log(LogLevel.ErrorLevel, cause, format, args);

    public void Log(LogLevel level, Exception? cause, string format, params object?[] args)
    {
        if (!IsEnabled(level)) return;
        string message = Format(format, args);
        MelLogLevel melLevel = level switch
        {
            LogLevel.DebugLevel => MelLogLevel.Debug,
            LogLevel.InfoLevel => MelLogLevel.Information,
            LogLevel.WarningLevel => MelLogLevel.Warning,
            _ => MelLogLevel.Error,
        };
        if (_logger.IsEnabled(melLevel))
        {
            // The log source goes in as a structured property, so MEL sinks can filter by actor path.
            _logger.Log(melLevel, default, new LogState(_logSource, message), cause, static (s, _) => $"[{s.Source}] {s.Message}");
        }
        _eventStream.Publish(level switch
        {
            LogLevel.DebugLevel => new Debug(_logSource, _logClass, message, cause),
            LogLevel.InfoLevel => new Info(_logSource, _logClass, message, cause),
            LogLevel.WarningLevel => new Warning(_logSource, _logClass, message, cause),
            _ => (LogEvent)new Error(_logSource, _logClass, message, cause),
        });
    }

    private static string Format(string format, object?[] args)
    {
        if (args.Length == 0) return format;
        try
        {
            return string.Format(CultureInfo.InvariantCulture, format, args);
        }
        catch (FormatException)
        {
            return format + " [args: " + string.Join(", ", args) + "]";
        }
    }

    private readonly record struct LogState(string Source, string Message) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 2;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("LogSource", Source),
            1 => new("{OriginalFormat}", Message),
            _ => throw new ArgumentOutOfRangeException(nameof(index), index, "LogState has 2 entries."),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
