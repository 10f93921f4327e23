using System.Diagnostics;
using System.Globalization;
using Shm.Cli.Inspection;
using Shm.Cli.Output;
using Shm.Primitives.Inspection;

namespace Shm.Cli.Commands;

/// <summary>
/// <c>shm watch &lt;segment|dir&gt;</c>: live rates of a segment's counters (or of every segment in a directory), refreshed
/// every --interval. On a terminal the screen is redrawn in place; redirected, each refresh prints one plain line per
/// segment; with --json, one JSON object per line. --count N stops after N refreshes (rates need two, so the first
/// refresh shows none).
/// </summary>
internal static class WatchCommand
{
    private const string ClearScreen = "\u001b[H\u001b[2J";

    public static int Run(CommandLine line, CliConsole console, CancellationToken cancellation)
    {
        string target = line.RequiredArgument("a segment or a directory");
        string resolved = target.Contains('/') ? Path.GetFullPath(target) : SegmentProbe.Resolve(target, line.Directory);
        bool isDirectory = Directory.Exists(resolved);
        var previous = new Dictionary<string, (long Timestamp, SegmentSnapshot Snapshot)>();

        for (int refresh = 0; line.Count is null || refresh < line.Count; refresh++)
        {
            long now = Stopwatch.GetTimestamp();
            List<SegmentReport> reports = isDirectory
                ? [.. SegmentDirectory.Entries(resolved).Select(SegmentProbe.Inspect).Where(r => r.IsShmFile)]
                : [SegmentProbe.Inspect(resolved)];
            if (refresh == 0 && !isDirectory && reports[0].Error is { } error)
                throw new CliException(error.ExitCode, error.Message);

            List<WatchSample> samples = [.. reports.Select(r => WatchSample.From(r, now, previous))];
            Render(line, console, resolved, samples);
            previous.Clear();
            foreach (SegmentReport r in reports)
            {
                if (r.Snapshot is { } snapshot)
                    previous[r.Path] = (now, snapshot);
            }

            bool last = line.Count is int count && refresh + 1 >= count;
            if (last || cancellation.WaitHandle.WaitOne(line.Interval))
                break;
        }
        return ExitCodes.Success;
    }

    private static void Render(CommandLine line, CliConsole console, string target, List<WatchSample> samples)
    {
        TextWriter output = console.Out;
        if (line.Json)
        {
            foreach (WatchSample sample in samples)
                CliJson.Write(output, sample, indented: false);
        }
        else if (console.IsTerminal)
        {
            output.Write(ClearScreen);
            output.WriteLine($"shm watch {target}  every {line.Interval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s  {DateTime.Now:HH:mm:ss}  (Ctrl+C stops)");
            output.WriteLine();
            var table = new TextTable("NAME", "KIND", "FILL", "RATES (per second)");
            foreach (WatchSample s in samples)
                table.Add(s.Name, s.Kind ?? "-", s.Fill, s.Error ?? RatesText(s));
            table.WriteTo(output);
        }
        else
        {
            foreach (WatchSample s in samples)
                output.WriteLine($"{s.Time.ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture)} {s.Name} fill={s.Fill.Replace(' ', '_')} {s.Error ?? RatesText(s)}".TrimEnd());
        }
        output.Flush();
    }

    private static string RatesText(WatchSample sample) => sample.Rates is null
        ? "(rates from the next refresh)"
        : string.Join(' ', sample.Rates.Select(r => $"{r.Key}={Units.Rate(r.Value)}/s"));
}

/// <summary>One segment at one refresh of <c>watch</c>: its gauges and counters, and the counters' rates since the previous refresh.</summary>
internal sealed record WatchSample(DateTimeOffset Time, string Name, string Path, string Status, string? Error, string? Kind, long? Used, long? UsedCapacity,
    IReadOnlyDictionary<string, long>? Metrics, IReadOnlyDictionary<string, double>? Rates)
{
    public string Fill => Used is long used ? $"{used}/{UsedCapacity}" : "-";

    public static WatchSample From(SegmentReport report, long timestamp, IReadOnlyDictionary<string, (long Timestamp, SegmentSnapshot Snapshot)> previous)
    {
        SegmentSnapshot? snapshot = report.Snapshot;
        Dictionary<string, double>? rates = null;
        if (snapshot is not null && previous.TryGetValue(report.Path, out var before))
        {
            double seconds = Stopwatch.GetElapsedTime(before.Timestamp, timestamp).TotalSeconds;
            rates = [];
            foreach (SegmentMetric metric in snapshot.Metrics.Where(m => m.Cumulative))
            {
                SegmentMetric old = before.Snapshot.Metrics.FirstOrDefault(m => m.Name == metric.Name);
                // A counter that went down means the segment was recreated under the same name: no rate this time.
                if (old.Name is not null && metric.Value >= old.Value && seconds > 0)
                    rates[metric.Name] = (metric.Value - old.Value) / seconds;
            }
        }
        return new WatchSample(DateTimeOffset.Now, report.Name, report.Path,
            report.Error is { } error ? ErrorClassifier.StatusOf(error.ExitCode) : "ok", report.Error?.Message,
            snapshot?.Description, snapshot?.Used, snapshot?.UsedCapacity,
            snapshot?.Metrics.ToDictionary(m => m.Name, m => m.Value), rates);
    }
}
