using Shm.Cli.Inspection;
using Shm.Cli.Liveness;
using Shm.Cli.Output;
using Shm.Primitives;
using Shm.Primitives.Segments;

namespace Shm.Cli.Commands;

/// <summary>
/// <c>shm rm &lt;segment&gt;</c>: removes one segment's name. Refuses a file that is no Shm segment, and one a live process
/// uses unless --force (processes that map it keep working, but a new opener would create a separate segment).
/// </summary>
internal static class RmCommand
{
    public static int Run(CommandLine line, CliConsole console)
    {
        string path = SegmentProbe.Resolve(line.RequiredArgument("a segment name or path"), line.Directory);
        SegmentReport report = SegmentProbe.Inspect(path);
        if (report.Error is { ExitCode: ExitCodes.NotFound } missing)
            throw new CliException(ExitCodes.NotFound, missing.Message);
        if (!report.IsShmFile)
        {
            string why = report.Error?.Message ?? $"'{path}' is not a Shm segment.";
            throw new CliException(report.Error?.ExitCode is ExitCodes.PermissionDenied ? ExitCodes.PermissionDenied : ExitCodes.InvalidSegment,
                why + " shm rm removes only Shm segments.");
        }

        ProcessMappings mappings = ProcessMappings.Scan(Path.GetDirectoryName(path) ?? "/");
        int[] users = [.. mappings.UsersOf(path).Union(report.Snapshot?.Users.Where(u => u.Alive).Select(u => u.ProcessId) ?? []).Order()];
        if (users.Length > 0 && !line.Force)
        {
            throw new CliException(ExitCodes.InUse,
                $"Segment '{path}' is in use by live process {string.Join(", ", users)}. Removing it would leave them on a segment no new process can find; pass --force to remove it anyway.");
        }

        bool removed = Segment.Unlink(path, SegmentOptions.Default);
        if (!removed)
            throw new CliException(ExitCodes.NotFound, $"Segment '{path}' does not exist (removed meanwhile).");
        if (line.Json)
            CliJson.Write(console.Out, new { Path = path, Removed = true, InUseBy = users });
        else
            console.Out.WriteLine(users.Length > 0 ? $"removed {path} (still mapped by {string.Join(", ", users)})" : $"removed {path}");
        return ExitCodes.Success;
    }
}
