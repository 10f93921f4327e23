using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;

namespace Shm.Examples.Cluster;

/// <summary>What the run has seen so far: written by the coordinator's actors, read by the display and the summary.</summary>
internal sealed class RunState(int jobs)
{
    public int Jobs { get; } = jobs;

    public long Completed;
    public long Duplicates;
    public long Resent;
    public long JobsSent;
    public long ReportsReceived;
    public long ProgressEvents;
    public long EventsLost;

    public long FirstJobAt;        // Stopwatch ticks of the first job told (0: none yet)
    public long AllDoneAt;         // ... of the last job's completion
    public long KilledAt;          // ... of the chaos kill
    public long CompletedAtKill;   // jobs completed when the kill came
    public long DownSeenAt;        // ... of the Terminated for the killed worker's job actor
    public long ReplacementUpAt;   // ... of the replacement's registration
    public long RecoveredAt;       // ... of the replacement's fence: queued jobs done, lost ones re-sent
    public string? KilledNode;

    /// <summary>Every job done and (with chaos) the killed worker's replacement recovered.</summary>
    public readonly TaskCompletionSource Finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Per node: its state ("starting", "up", "down", "recovering") and the processed count it last published.</summary>
    public readonly ConcurrentDictionary<string, (string State, long Processed)> Nodes = new();

    /// <summary>Per node: the incarnation (pid) whose count <see cref="Nodes"/> shows (a replacement counts from 0 again).</summary>
    private readonly ConcurrentDictionary<string, long> _shownIncarnations = new();

    /// <summary>The stats actor of each registered, live worker (asked by the coordinator's main loop).</summary>
    public readonly ConcurrentDictionary<string, IActorRef> StatsActors = new();

    /// <summary>Lines to print above the live display (joins, downs).</summary>
    public readonly ConcurrentQueue<string> Events = new();

    public void Note(string line) => Events.Enqueue($"[{Stopwatch.GetElapsedTime(Started).TotalSeconds,6:F2} s] {line}");

    public long Started { get; } = Stopwatch.GetTimestamp();

    public void SetNodeState(string node, string state) =>
        Nodes.AddOrUpdate(node, _ => (state, 0), (_, old) => (state, old.Processed));

    /// <summary>Called by the progress listener only (one thread), so the incarnation and count are updated together.</summary>
    public void SetProcessed(string node, long incarnation, long processed)
    {
        bool newIncarnation = _shownIncarnations.TryGetValue(node, out long shown) && shown != incarnation;
        _shownIncarnations[node] = incarnation;
        Nodes.AddOrUpdate(node, _ => ("up", processed), (_, old) => (old.State, newIncarnation ? processed : Math.Max(old.Processed, processed)));
    }

    public static double? Milliseconds(long from, long to) => from == 0 || to == 0 ? null : Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}
