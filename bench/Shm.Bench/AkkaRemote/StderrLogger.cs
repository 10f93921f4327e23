using Akka.Actor;
using Akka.Event;

namespace Shm.Bench.AkkaRemote;

/// <summary>
/// Akka's log events on stderr (Akka's default logger writes to stdout, where the result table goes), one line each:
/// the suite kills its children, and the warnings that follow would otherwise carry a stack trace apiece.
/// </summary>
internal sealed class StderrLogger : ActorBase
{
    protected override bool Receive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            case LogEvent log:
                string text = $"{log.Message}{(log.Cause is null ? "" : " " + log.Cause.Message)}";
                int end = text.IndexOf('\n');
                Console.Error.WriteLine($"  [akka {log.LogLevel().ToString().Replace("Level", "")} pid {Environment.ProcessId}] {log.LogSource}: {(end < 0 ? text : text[..end].TrimEnd())}");
                return true;
            default:
                return false;
        }
    }
}
