using Shm.Primitives.Inspection;

namespace Shm.Cli.Inspection;

/// <summary>Everything the CLI learned about one file: stat facts, the raw header, and either a live snapshot or the error that prevented one.</summary>
internal sealed record SegmentReport(string Name, string Path)
{
    public FileFacts? File { get; init; }

    /// <summary>The header bytes as stored (null if the file is shorter than a header or unreadable).</summary>
    public SegmentHeaderInfo? Header { get; init; }

    /// <summary>The validated segment's live state; null when <see cref="Error"/> is set.</summary>
    public SegmentSnapshot? Snapshot { get; init; }

    /// <summary>For a node directory: its nodes.</summary>
    public IReadOnlyList<NodeRecord>? Nodes { get; init; }

    /// <summary>Why the segment could not be inspected, as an exit code (see <see cref="ExitCodes"/>) and message.</summary>
    public (int ExitCode, string Message)? Error { get; init; }

    /// <summary>
    /// Whether the file is a Shm segment or a Shm creation that died half-way (magic set, or header written but not
    /// published). Files of other software in the directory are neither and are left alone.
    /// </summary>
    public bool IsShmFile => Header is { HasMagic: true } or { IsPartlyWritten: true };
}
