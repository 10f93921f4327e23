namespace Shm.Cli.Inspection;

/// <summary>One node listed in an actor system's node directory.</summary>
/// <param name="Name">The node's name.</param>
/// <param name="ProcessId">Its process.</param>
/// <param name="StartTime">That process's start time (clock ticks since boot), which guards against PID reuse.</param>
/// <param name="Incarnation">Unique per join: a node restarted under the same name gets a new one.</param>
/// <param name="InboxName">The segment name of its inbox (a queue of InboxCell in the same directory).</param>
/// <param name="Alive">Whether that very process still runs; a dead node's record stays until a node of its name joins again.</param>
internal sealed record NodeRecord(string Name, int ProcessId, ulong StartTime, long Incarnation, string InboxName, bool Alive);
