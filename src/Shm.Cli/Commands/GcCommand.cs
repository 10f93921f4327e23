using Shm.Cli.Inspection;
using Shm.Cli.Liveness;
using Shm.Cli.Output;
using Shm.Primitives.Interop;

namespace Shm.Cli.Commands;

/// <summary>
/// <c>shm gc [dir]</c>: removes the Shm segments whose every user is dead; never one a live process maps. Files of
/// other software are not touched. --dry-run lists what would go.
/// </summary>
/// <remarks>
/// A verdict is reached twice: once for every segment, and again, with a fresh /proc scan, just before each removal,
/// so a process that attached in between keeps its segment. What no tool can close is a process opening the name in
/// the instant between that last check and the unlink, as with ipcrm.
/// </remarks>
internal static class GcCommand
{
    public static int Run(CommandLine line, CliConsole console)
    {
        string directory = Path.GetFullPath(line.OptionalArgument(line.Directory));
        List<SegmentReport> reports = [.. SegmentDirectory.Entries(directory).Select(SegmentProbe.Inspect).Where(r => r.IsShmFile)];
        uint me = Libc.GetEuid();
        ProcessMappings firstScan = ProcessMappings.Scan(directory);
        List<(SegmentReport Report, UsageVerdict Verdict)> judged = [.. reports.Select(r => (r, UsageVerdict.Judge(r, firstScan, me)))];

        var outcomes = new List<GcOutcome>();
        ProcessMappings? recheck = judged.Any(j => j.Verdict.Removable) ? ProcessMappings.Scan(directory) : null;
        foreach ((SegmentReport report, UsageVerdict first) in judged)
        {
            if (!first.Removable || recheck is null)
            {
                outcomes.Add(new GcOutcome(report.Name, "kept", first.Reason));
                continue;
            }
            // Re-inspect: records and creator may have changed since the first pass.
            UsageVerdict verdict = UsageVerdict.Judge(SegmentProbe.Inspect(report.Path), recheck, me);
            if (!verdict.Removable)
                outcomes.Add(new GcOutcome(report.Name, "kept", verdict.Reason));
            else if (line.DryRun)
                outcomes.Add(new GcOutcome(report.Name, "would-remove", verdict.Reason));
            else
                outcomes.Add(Remove(report, verdict));
        }

        bool failed = outcomes.Any(o => o.Action == "failed");
        if (line.Json)
            CliJson.Write(console.Out, new { Directory = directory, DryRun = line.DryRun, Segments = outcomes });
        else if (outcomes.Count == 0)
            console.Out.WriteLine($"No Shm segments in {directory}.");
        else
        {
            var table = new TextTable("ACTION", "NAME", "REASON");
            foreach (GcOutcome o in outcomes)
                table.Add(o.Action, o.Name, o.Reason);
            table.WriteTo(console.Out);
        }
        return failed ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static GcOutcome Remove(SegmentReport report, UsageVerdict verdict)
    {
        if (Libc.Unlink(report.Path) == 0)
            return new GcOutcome(report.Name, "removed", verdict.Reason);
        int errno = Libc.LastError;
        return errno == Libc.ENOENT
            ? new GcOutcome(report.Name, "kept", "removed by someone else meanwhile")
            : new GcOutcome(report.Name, "failed", $"unlink failed: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }
}

/// <summary>What gc did with one segment: "removed", "would-remove" (dry run), "kept" or "failed", and why.</summary>
internal sealed record GcOutcome(string Name, string Action, string Reason);
