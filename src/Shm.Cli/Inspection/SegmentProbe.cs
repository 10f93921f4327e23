using Shm.Primitives;
using Shm.Primitives.Inspection;
using Shm.Primitives.Segments;
using Shm.Node.Membership;

namespace Shm.Cli.Inspection;

/// <summary>Inspects one file: validates it through the segment layer and reads its live state, turning every failure into a report.</summary>
internal static class SegmentProbe
{
    private static readonly Dictionary<SegmentKind, SegmentLayoutRules> s_transportKinds = new()
    {
        [SegmentKind.Directory] = NodeDirectoryLayoutRules.Instance,
    };

    /// <summary>
    /// Resolves what the user typed: a bare name in <paramref name="directory"/>, an absolute path as is, a relative
    /// path (one with a '/') against the working directory.
    /// </summary>
    public static string Resolve(string segment, string directory)
    {
        if (segment.Contains('/') && !segment.StartsWith('/'))
            segment = Path.GetFullPath(segment);
        return SegmentName.Resolve(segment, SegmentOptions.Default with { Directory = directory });
    }

    /// <summary>Inspects the file at the absolute <paramref name="path"/>; never throws for bad input, only for bugs.</summary>
    public static SegmentReport Inspect(string path)
    {
        var report = new SegmentReport(Path.GetFileName(path), path);
        if (FileFacts.TryGet(path) is not FileFacts facts)
        {
            return System.IO.File.Exists(path) || Directory.Exists(path)
                ? report with { Error = (ExitCodes.PermissionDenied, $"'{path}' cannot be reached (permission denied on the path).") }
                : report with { Error = (ExitCodes.NotFound, $"Segment '{path}' does not exist.") };
        }
        report = report with { File = facts };
        if (!facts.IsRegularFile)
            return report with { Error = (ExitCodes.InvalidSegment, $"'{path}' is a {facts.FileTypeName}, not a Shm segment.") };

        report = report with { Header = SegmentHeaderInfo.TryReadFile(path, out _) };
        try
        {
            using InspectedSegment inspected = InspectedSegment.Open(path, SegmentOptions.Default, s_transportKinds);
            if (inspected.Snapshot() is SegmentSnapshot snapshot)
                return report with { Header = inspected.Header, Snapshot = snapshot };
            List<NodeRecord> nodes = NodeDirectoryReader.Read(inspected.Segment);
            return report with { Header = inspected.Header, Nodes = nodes, Snapshot = DirectorySnapshot(inspected, nodes) };
        }
        catch (Exception error) when (ErrorClassifier.Classify(error) is { } classified)
        {
            return report with { Error = classified };
        }
    }

    private static unsafe SegmentSnapshot DirectorySnapshot(InspectedSegment directory, List<NodeRecord> nodes)
    {
        int alive = nodes.Count(n => n.Alive);
        long records = directory.Segment.Geometry.Capacity;
        SegmentMetric[] metrics =
        [
            new("nodes_listed", nodes.Count, false),
            new("nodes_alive", alive, false),
            new("records", records, false),
        ];
        RecordedUser[] users = [.. nodes.Select(n => new RecordedUser("node " + n.Name, n.ProcessId, n.StartTime, n.Alive, 1))];
        MutexOwner owner = MutexOwner.Read(directory.Segment.Base + NodeDirectoryLayout.MutexOffset);
        return new SegmentSnapshot("ShmNodeDirectory", alive, records, "nodes alive", metrics, users, owner, [],
            ["a dead node's record stays listed until a node of its name joins again; 'shm nodes' shows each node's inbox"]);
    }
}
