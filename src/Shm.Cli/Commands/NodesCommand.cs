using System.Globalization;
using Shm.Cli.Inspection;
using Shm.Cli.Output;

namespace Shm.Cli.Commands;

/// <summary><c>shm nodes &lt;system&gt;</c>: an actor system's node directory with each node's process, incarnation, state and inbox fill.</summary>
internal static class NodesCommand
{
    /// <summary>The transport names a system's directory segment "&lt;system&gt;.nodes" (ShmNode).</summary>
    private const string DirectorySuffix = ".nodes";

    public static int Run(CommandLine line, CliConsole console)
    {
        string system = line.RequiredArgument("an actor system name");
        string directory = Path.GetFullPath(line.Directory);
        string path = SegmentProbe.Resolve(system + DirectorySuffix, directory);
        SegmentReport report = SegmentProbe.Inspect(path);
        if (report.Error is { ExitCode: ExitCodes.NotFound })
            throw new CliException(ExitCodes.NotFound, $"No actor system '{system}' in {directory}: its node directory {path} does not exist (is --dir right?).");
        if (report.Error is { } error)
            throw new CliException(error.ExitCode, error.Message);
        if (report.Nodes is not { } nodes)
            throw new CliException(ExitCodes.InvalidSegment, $"'{path}' is a {report.Header?.KindName} segment, not a node directory.");

        List<NodeView> views = [.. nodes.Select(n => NodeView.From(n, SegmentProbe.Inspect(Path.Combine(directory, n.InboxName))))];
        if (line.Json)
        {
            CliJson.Write(console.Out, new { System = system, Directory = path, Nodes = views });
            return ExitCodes.Success;
        }
        if (views.Count == 0)
        {
            console.Out.WriteLine($"Actor system '{system}' lists no nodes ({path}).");
            return ExitCodes.Success;
        }
        var table = new TextTable("NODE", "PID", "INCARNATION", "STATE", "INBOX", "INBOX-FILL");
        foreach (NodeView n in views)
        {
            table.Add(n.Name, n.Pid.ToString(CultureInfo.InvariantCulture), n.Incarnation.ToString(CultureInfo.InvariantCulture), n.State, n.Inbox,
                n.InboxError is null ? $"{n.InboxUsed}/{n.InboxCapacity}" : n.InboxError);
        }
        table.WriteTo(console.Out);
        return ExitCodes.Success;
    }
}

/// <summary>One node as <c>shm nodes</c> prints it; the inbox fill counts cells (a message longer than one cell takes several).</summary>
internal sealed record NodeView(string Name, int Pid, long Incarnation, string State, string Inbox, long? InboxUsed, long? InboxCapacity, string? InboxError)
{
    public static NodeView From(NodeRecord node, SegmentReport inbox) =>
        new(node.Name, node.ProcessId, node.Incarnation, node.Alive ? "up" : "dead", node.InboxName,
            inbox.Snapshot?.Used, inbox.Snapshot?.UsedCapacity, inbox.Error?.Message);
}
