using System.Globalization;
using Shm.Cli.Inspection;
using Shm.Cli.Liveness;
using Shm.Cli.Output;
using Shm.Primitives.Inspection;

namespace Shm.Cli.Commands;

/// <summary><c>shm stat &lt;segment&gt;</c>: the validated header and the live statistics of one segment.</summary>
internal static class StatCommand
{
    public static int Run(CommandLine line, CliConsole console)
    {
        string path = SegmentProbe.Resolve(line.RequiredArgument("a segment name or path"), line.Directory);
        SegmentReport report = SegmentProbe.Inspect(path);
        if (report.Error is { } error)
            throw new CliException(error.ExitCode, error.Message);
        ProcessMappings mappings = ProcessMappings.Scan(Path.GetDirectoryName(path) ?? "/");
        SegmentView view = SegmentView.From(report, mappings, detailed: true);
        if (line.Json)
            CliJson.Write(console.Out, view);
        else
            WriteText(console.Out, view);
        return ExitCodes.Success;
    }

    private static void WriteText(TextWriter output, SegmentView v)
    {
        output.WriteLine($"segment     {v.Path}");
        output.WriteLine($"kind        {v.Description} (header kind {v.Kind}, layout version {v.Header?.Version})");
        if (v.Header is { } h)
        {
            output.WriteLine($"element     {(h.ElementSize == 0 ? "bytes" : $"{h.ElementType} ({h.ElementSize} bytes)")}");
            output.WriteLine($"geometry    capacity {h.Capacity}, parameters {h.Parameter1}, {h.Parameter2}; {Units.Bytes(h.TotalSize)} (header and file size agree)");
        }
        if (v.Creator is { } c)
            output.WriteLine($"creator     process {c.Pid} ({(c.Alive ? "alive" : "exited")}){(c.CreatedUtc is { } t ? ", created " + t.ToString("u", CultureInfo.InvariantCulture) : "")}");
        output.WriteLine($"mapped by   {Units.Pids(v.MappedBy)}");
        output.WriteLine($"fill        {v.FillText}");
        if (v.Lock is { } l)
            output.WriteLine($"lock        {l}");

        if (v.Metrics is { Count: > 0 } metrics)
        {
            output.WriteLine();
            var table = new TextTable("STATISTIC", "VALUE");
            foreach ((string name, long value) in metrics)
                table.Add(name, value.ToString("N0", CultureInfo.InvariantCulture));
            table.WriteTo(output);
        }
        if (v.Subscribers is { Count: > 0 } subscribers)
        {
            output.WriteLine();
            var table = new TextTable("SUBSCRIBER-PID", "STATE", "CURSOR", "LAG");
            foreach (SubscriberCursor s in subscribers)
                table.Add(s.ProcessId.ToString(CultureInfo.InvariantCulture), s.Alive ? "alive" : "dead", s.Cursor.ToString(CultureInfo.InvariantCulture), s.Lag.ToString(CultureInfo.InvariantCulture));
            table.WriteTo(output);
        }
        if (v.Nodes is { Count: > 0 } nodes)
        {
            output.WriteLine();
            var table = new TextTable("NODE", "PID", "INCARNATION", "STATE", "INBOX");
            foreach (NodeRecord n in nodes)
                table.Add(n.Name, n.ProcessId.ToString(CultureInfo.InvariantCulture), n.Incarnation.ToString(CultureInfo.InvariantCulture), n.Alive ? "up" : "dead", n.InboxName);
            table.WriteTo(output);
        }
        else if (v.Users is { Count: > 0 } users)
        {
            output.WriteLine();
            var table = new TextTable("PID", "ROLE", "RECORDS", "STATE");
            foreach (RecordedUser u in users)
                table.Add(u.ProcessId.ToString(CultureInfo.InvariantCulture), u.Role, u.Records.ToString(CultureInfo.InvariantCulture), u.Alive ? "alive" : "dead");
            table.WriteTo(output);
        }
        if (v.Notes is { Count: > 0 } notes)
        {
            output.WriteLine();
            foreach (string note in notes)
                output.WriteLine("note: " + note);
        }
    }
}
