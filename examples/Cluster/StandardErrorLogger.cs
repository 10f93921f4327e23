using Akka.Actor;
using Akka.Event;

namespace Shm.Examples.Cluster;

/// <summary>
/// The coordinator's Akka logger: one line a log event on standard error, so standard output carries only the run's
/// own lines and summary (Akka.Remote logs a worker's disconnect at the end of a TCP run as an error, for one).
/// </summary>
internal sealed class StandardErrorLogger : ReceiveActor
{
    /// <summary>The logger, as <c>akka.loggers</c> names it.</summary>
    public static readonly string TypeName = $"{typeof(StandardErrorLogger).FullName}, {typeof(StandardErrorLogger).Assembly.GetName().Name}";

    public StandardErrorLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => Console.Error.WriteLine(e.Cause is { } cause
            ? $"[{e.LogLevel()}] {e.LogSource}: {e.Message} ({cause.GetType().Name}: {cause.Message})"
            : $"[{e.LogLevel()}] {e.LogSource}: {e.Message}"));
    }
}
