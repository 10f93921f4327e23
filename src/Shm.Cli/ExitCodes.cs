namespace Shm.Cli;

/// <summary>The process exit codes of <c>shm</c>: 0 is success, every failure has its own code so scripts can tell them apart.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>An I/O error, or a gc that could not remove something it meant to.</summary>
    public const int Failure = 1;

    /// <summary>Unknown command or option, missing or extra argument, a name that could escape the directory.</summary>
    public const int Usage = 2;

    /// <summary>No such segment, directory or actor system.</summary>
    public const int NotFound = 3;

    /// <summary>The file is not a Shm segment, or its header is corrupt, incomplete or of an unknown kind or version.</summary>
    public const int InvalidSegment = 4;

    /// <summary>The caller may not open the file (mode, or owned by another user).</summary>
    public const int PermissionDenied = 5;

    /// <summary>rm refused: a live process maps the segment or its records name a live user (use --force).</summary>
    public const int InUse = 6;
}
