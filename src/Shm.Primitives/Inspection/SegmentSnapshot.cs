namespace Shm.Primitives.Inspection;

/// <summary>
/// What an inspector read from one validated segment at one moment: how full it is, its statistics, the processes its
/// records name, its lock and its subscribers. Read without taking any lock (a stopped lock holder cannot hang an
/// inspector), so the numbers are a racy snapshot clamped to their limits, like the primitives' own GetStats.
/// </summary>
/// <param name="Description">The primitive and its element type, e.g. "ShmQueue&lt;Int64&gt;".</param>
/// <param name="Used">How much of <paramref name="UsedCapacity"/> is in use (items, messages, requests), or null when the kind has no fill.</param>
/// <param name="UsedCapacity">What <paramref name="Used"/> is out of.</param>
/// <param name="UsedUnit">What <paramref name="Used"/> counts.</param>
/// <param name="Metrics">Gauges and counters, in display order; counters (<see cref="SegmentMetric.Cumulative"/>) only grow.</param>
/// <param name="Users">The processes the segment's own records name (participants, subscribers, servers, clients), one entry per process and role.</param>
/// <param name="Lock">The robust mutex's state, for kinds that have one.</param>
/// <param name="Subscribers">Registered subscribers and how far behind they are (backpressure pub/sub only).</param>
/// <param name="Notes">What the snapshot cannot show, in words (for example that overwrite-mode subscribers are not registered).</param>
internal sealed record SegmentSnapshot(
    string Description,
    long? Used,
    long? UsedCapacity,
    string UsedUnit,
    IReadOnlyList<SegmentMetric> Metrics,
    IReadOnlyList<RecordedUser> Users,
    MutexOwner? Lock,
    IReadOnlyList<SubscriberCursor> Subscribers,
    IReadOnlyList<string> Notes);

/// <summary>One named number of a segment.</summary>
/// <param name="Name">A stable snake_case name ("enqueued", "arena_used").</param>
/// <param name="Value">Its value at the snapshot.</param>
/// <param name="Cumulative">True for a counter that only grows (a rate can be derived from two snapshots), false for a gauge.</param>
internal readonly record struct SegmentMetric(string Name, long Value, bool Cumulative);

/// <summary>A process a segment's records name, and whether it is alive (pid and start time, so PID reuse cannot fake life).</summary>
/// <param name="Role">"participant", "subscriber", "server" or "client".</param>
/// <param name="ProcessId">The recorded pid.</param>
/// <param name="StartTime">The recorded start time (clock ticks since boot).</param>
/// <param name="Alive">Whether that very process still runs (a zombie is dead; a stopped process is alive).</param>
/// <param name="Records">How many records of this role the process holds (one per thread for participants).</param>
internal readonly record struct RecordedUser(string Role, int ProcessId, ulong StartTime, bool Alive, int Records);

/// <summary>A registered subscriber of a backpressure ring.</summary>
/// <param name="ProcessId">Its process.</param>
/// <param name="Alive">Whether that process still runs.</param>
/// <param name="Cursor">The next position it will read.</param>
/// <param name="Lag">Messages published that it has not read yet.</param>
internal readonly record struct SubscriberCursor(int ProcessId, bool Alive, long Cursor, long Lag);
