using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Shm.Examples.Cluster;

/// <summary>
/// The live view: on a terminal, a block of lines redrawn in place every 100 ms (events scroll above it); when output is
/// redirected, one plain progress line a second and the events as they happen.
/// </summary>
internal sealed class Display(RunState state, string systemName, Func<AskFigures> asks)
{
    private readonly bool _live = !Console.IsOutputRedirected;
    private int _drawnLines;
    private long _lastTick = Stopwatch.GetTimestamp();
    private long _lastMessages;
    private long _lastPlain;
    private double _rate;

    public void Refresh()
    {
        long now = Stopwatch.GetTimestamp();
        double seconds = Stopwatch.GetElapsedTime(_lastTick, now).TotalSeconds;
        long messages = Messages();
        if (seconds >= 0.5)
        {
            _rate = (messages - _lastMessages) / seconds;
            _lastMessages = messages;
            _lastTick = now;
        }
        if (_live)
        {
            var text = new StringBuilder();
            if (_drawnLines > 0)
                text.Append(CultureInfo.InvariantCulture, $"\x1b[{_drawnLines}F");
            while (state.Events.TryDequeue(out string? line))
                text.Append("\x1b[2K").Append(line).Append('\n');
            string[] block = Block();
            foreach (string line in block)
                text.Append("\x1b[2K").Append(line).Append('\n');
            _drawnLines = block.Length;
            Console.Out.Write(text.ToString());
            Console.Out.Flush();
            return;
        }
        while (state.Events.TryDequeue(out string? line))
            Console.WriteLine(line);
        if (Stopwatch.GetElapsedTime(_lastPlain, now).TotalSeconds >= 1)
        {
            _lastPlain = now;
            Console.WriteLine(Block()[1]);
        }
    }

    /// <summary>Flushes the events and draws the block one last time.</summary>
    public void Finish()
    {
        _lastPlain = 0;
        Refresh();
    }

    public long Messages() =>
        Interlocked.Read(ref state.JobsSent) + Interlocked.Read(ref state.ReportsReceived) + Interlocked.Read(ref state.ProgressEvents) + 2L * asks().Answered;

    private string[] Block()
    {
        long done = Interlocked.Read(ref state.Completed);
        double fraction = state.Jobs == 0 ? 1 : (double)done / state.Jobs;
        int bar = (int)(fraction * 30);
        (int count, _, double p50, double p99, _) = asks();
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"Shm cluster {systemName} · {Stopwatch.GetElapsedTime(state.Started).TotalSeconds:F1} s"),
            string.Create(CultureInfo.InvariantCulture,
                $"jobs {done:N0}/{state.Jobs:N0} [{new string('#', bar)}{new string('.', 30 - bar)}] {fraction:P0} · {_rate:N0} msgs/s · asks {count:N0} (p50 {p50:F1} us, p99 {p99:F1} us) · re-sent {Interlocked.Read(ref state.Resent)} · events lost {Interlocked.Read(ref state.EventsLost)}"),
        };
        foreach ((string node, (string State, long Processed) view) in state.Nodes.OrderBy(n => n.Key, StringComparer.Ordinal))
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  {node,-12} {view.State,-11} {view.Processed,10:N0} processed"));
        return [.. lines];
    }
}
