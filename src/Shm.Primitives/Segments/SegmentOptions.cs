namespace Shm.Primitives;

/// <summary>
/// Where a segment's file lives and who may open it. Immutable; use <c>with</c> to derive variants.
/// </summary>
/// <example>
/// <code>
/// var shared = SegmentOptions.Default with { Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, GroupId = 1001 };
/// using var queue = ShmQueue&lt;long&gt;.CreateOrOpen("jobs", 1024, shared);
/// </code>
/// </example>
public sealed record SegmentOptions
{
    /// <summary>The options every factory uses when none are given: /dev/shm, mode 0600, owner checked.</summary>
    public static SegmentOptions Default { get; } = new();

    /// <summary>Directory that bare names resolve in. Defaults to /dev/shm (tmpfs).</summary>
    public string Directory { get; init; } = "/dev/shm";

    /// <summary>Permissions of a newly created file; applied with fchmod, so the umask does not narrow them. Default 0600.</summary>
    public UnixFileMode Mode { get; init; } = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>When set, a newly created file is given to this group (share it by also granting group read/write in <see cref="Mode"/>).</summary>
    public int? GroupId { get; init; }

    /// <summary>
    /// Opening a file owned by another user is refused unless this is true: a segment is trusted memory for
    /// every process that maps it.
    /// </summary>
    public bool AllowForeignOwner { get; init; }

    /// <summary>
    /// Whether this process watches the segment's file (inotify, one thread per process) and puts its size back
    /// if another process truncates it, so its users read zeroed pages and get <see cref="ShmCorruptedException"/>
    /// instead of dying of SIGBUS. Default true; it costs one descriptor and one inotify watch per segment.
    /// memfd segments are sealed and need no guard.
    /// </summary>
    public bool GuardAgainstTruncation { get; init; } = true;
}
