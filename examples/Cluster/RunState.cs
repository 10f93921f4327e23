using System.Collections.Concurrent;
using System.Diagnostics;

namespace Shm.Examples.Cluster;

/// <summary>What the run has seen so far: written by the coordinator's actors, read by the display and the summary.</summary>
internal sealed class RunState(int jobs)
{
    public int Jobs { get; } = jobs;

    public long Completed;
    public long Duplicates;
    public long Reassigned;
    public long JobsSent;
    public long ReportsReceived;
    public long ProgressEvents;
    public long EventsLost;

    public long KilledAt;          // Stopwatch ticks of the chaos kill (0: none yet)
    public long DownSeenAt;        // ... of the MemberDown for the killed worker
    public long ReplacementUpAt;   // ... of the replacement's MemberUp
    public long RecoveredAt;       // ... of the replacement's fence: queued jobs done, lost ones re-assigned
    public string? KilledNode;

    public readonly TaskCompletionSource AllDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Per node: its state ("starting", "up", "down", "recovering") and the processed count it last published.</summary>
    public readonly ConcurrentDictionary<string, (string State, long Processed)> Nodes = new();

    /// <summary>Lines to print above the live display (joins, downs).</summary>
    public readonly ConcurrentQueue<string> Events = new();

    public void Note(string line) => Events.Enqueue($"[{Stopwatch.GetElapsedTime(Started).TotalSeconds,6:F2} s] {line}");

    public long Started { get; } = Stopwatch.GetTimestamp();

    public void SetNodeState(string node, string state) =>
        Nodes.AddOrUpdate(node, _ => (state, 0), (_, old) => (state, old.Processed));

    public void SetProcessed(string node, long processed) =>
        Nodes.AddOrUpdate(node, _ => ("up", processed), (_, old) => (old.State, Math.Max(old.Processed, processed)));

    public static double? Milliseconds(long from, long to) => from == 0 || to == 0 ? null : Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}
