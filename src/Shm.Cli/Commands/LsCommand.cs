using Shm.Cli.Inspection;
using Shm.Cli.Liveness;
using Shm.Cli.Output;

namespace Shm.Cli.Commands;

/// <summary><c>shm ls [dir]</c>: every Shm segment in a directory with its kind, type, capacity, fill, creator and users.</summary>
internal static class LsCommand
{
    public static int Run(CommandLine line, CliConsole console)
    {
        string directory = Path.GetFullPath(line.OptionalArgument(line.Directory));
        List<string> entries = SegmentDirectory.Entries(directory);
        // Inspect first, then scan /proc: our own short-lived mappings are closed by the time the kernel is asked.
        List<SegmentReport> reports = [.. entries.Select(SegmentProbe.Inspect).Where(r => line.All || r.IsShmFile)];
        ProcessMappings mappings = ProcessMappings.Scan(directory);
        List<SegmentView> views = [.. reports.Select(r => SegmentView.From(r, mappings, detailed: false))];

        if (line.Json)
        {
            CliJson.Write(console.Out, new { Directory = directory, Segments = views });
            return ExitCodes.Success;
        }
        if (views.Count == 0)
        {
            console.Out.WriteLine($"No Shm segments in {directory}.");
            return ExitCodes.Success;
        }
        var table = new TextTable("NAME", "KIND", "TYPE", "CAPACITY", "FILL", "CREATOR", "MAPPED-BY", "SIZE", "STATUS");
        foreach (SegmentView v in views)
        {
            table.Add(v.Name, v.Kind ?? "-", v.ElementType ?? (v.ElementSize is 0 ? "bytes" : "-"), v.Capacity?.ToString() ?? "-", v.FillText,
                v.Creator is { } c ? $"{c.Pid} ({(c.Alive ? "alive" : "dead")})" : "-", Units.Pids(v.MappedBy),
                v.SizeBytes is long size ? Units.Bytes(size) : "-", v.Error is null ? v.Status : $"{v.Status}: {v.Error}");
        }
        table.WriteTo(console.Out);
        return ExitCodes.Success;
    }
}
