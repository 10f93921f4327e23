using Shm.Cli.Inspection;
using Shm.Cli.Liveness;
using Shm.Primitives;
using Shm.Primitives.Inspection;

namespace Shm.Cli.Output;

/// <summary>One segment as ls, stat and gc print it (text and --json). The detail fields are filled by stat only.</summary>
internal sealed record SegmentView
{
    public required string Name { get; init; }
    public required string Path { get; init; }

    /// <summary>"ok", or why the segment could not be read: "invalid", "no-permission", "gone", "error".</summary>
    public required string Status { get; init; }
    public string? Error { get; init; }
    public string? Kind { get; init; }
    public string? Description { get; init; }
    public string? ElementType { get; init; }
    public int? ElementSize { get; init; }
    public long? Capacity { get; init; }
    public long? Used { get; init; }
    public long? UsedCapacity { get; init; }
    public string? UsedUnit { get; init; }
    public long? SizeBytes { get; init; }
    public CreatorView? Creator { get; init; }

    /// <summary>Processes that map or hold the file open right now (from /proc).</summary>
    public IReadOnlyCollection<int>? MappedBy { get; init; }

    public HeaderView? Header { get; init; }
    public IReadOnlyDictionary<string, long>? Metrics { get; init; }
    public IReadOnlyList<RecordedUser>? Users { get; init; }
    public LockView? Lock { get; init; }
    public IReadOnlyList<SubscriberCursor>? Subscribers { get; init; }
    public IReadOnlyList<NodeRecord>? Nodes { get; init; }
    public IReadOnlyList<string>? Notes { get; init; }

    public static SegmentView From(SegmentReport report, ProcessMappings? mappings, bool detailed)
    {
        SegmentHeaderInfo? header = report.Header;
        SegmentSnapshot? snapshot = report.Snapshot;
        bool described = report.Error is null || report.IsShmFile;
        return new SegmentView
        {
            Name = report.Name,
            Path = report.Path,
            Status = report.Error is { } error ? ErrorClassifier.StatusOf(error.ExitCode) : "ok",
            Error = report.Error?.Message,
            Kind = described && header is not null && !header.IsPartlyWritten ? header.KindName : null,
            Description = snapshot?.Description,
            ElementType = header is { HasMagic: true, ElementSize: > 0 } ? header.ElementTypeName : null,
            ElementSize = header is { HasMagic: true } ? header.ElementSize : null,
            Capacity = header is { HasMagic: true } ? header.Capacity : null,
            Used = snapshot?.Used,
            UsedCapacity = snapshot?.UsedCapacity,
            UsedUnit = snapshot?.Used is null ? null : snapshot.UsedUnit,
            SizeBytes = report.File?.Size,
            Creator = described && header is { CreatorProcessId: > 0 } ? CreatorView.From(header) : null,
            MappedBy = mappings?.UsersOf(report.Path),
            Header = detailed && header is { HasMagic: true } ? HeaderView.From(header) : null,
            Metrics = detailed ? snapshot?.Metrics.ToDictionary(m => m.Name, m => m.Value) : null,
            Users = detailed ? snapshot?.Users : null,
            Lock = detailed && snapshot?.Lock is { } owner ? LockView.From(owner) : null,
            Subscribers = detailed && snapshot is { Subscribers.Count: > 0 } ? snapshot.Subscribers : null,
            Nodes = detailed ? report.Nodes : null,
            Notes = detailed ? snapshot?.Notes : null,
        };
    }

    /// <summary>"3/1024 items", or "-" when the kind has no fill.</summary>
    public string FillText => Used is long used ? $"{used}/{UsedCapacity} {UsedUnit}" : "-";
}

/// <summary>The process that created a segment (diagnostics written once by the creator), and whether it still runs.</summary>
internal sealed record CreatorView(int Pid, bool Alive, DateTimeOffset? CreatedUtc)
{
    public static CreatorView From(SegmentHeaderInfo header) => new(
        header.CreatorProcessId,
        ProcessIdentity.IsAlive(header.CreatorOwner),
        header.CreatedUnixMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(header.CreatedUnixMs) : null);
}

/// <summary>The header fields as stored.</summary>
internal sealed record HeaderView(string Kind, uint Version, string ElementType, int ElementSize, long Capacity, long TotalSize, long Parameter1, long Parameter2)
{
    public static HeaderView From(SegmentHeaderInfo h) =>
        new(h.KindName, h.Version, h.ElementTypeName, h.ElementSize, h.Capacity, h.TotalSize, h.Parameter1, h.Parameter2);
}

/// <summary>A lock's state and holder: a robust mutex's (thread and process) or a process lock's (process only).</summary>
internal sealed record LockView(MutexState State, int? ThreadId, int? ProcessId)
{
    public static LockView From(MutexOwner owner) => new(owner.State,
        owner.ThreadId == 0 ? null : owner.ThreadId, owner.ProcessId == 0 ? null : owner.ProcessId);

    public override string ToString() => State switch
    {
        MutexState.Held when ThreadId is null => $"held by process {ProcessId}",
        MutexState.Held when ProcessId is int pid => $"held by thread {ThreadId} of process {pid}",
        MutexState.Held => $"held by thread {ThreadId} (no longer running)",
        MutexState.OwnerDied => "its holder died; the next locker repairs it",
        MutexState.NotRecoverable => "not recoverable (a holder died and it was released unrepaired); remove the segment",
        _ => "free",
    };
}
