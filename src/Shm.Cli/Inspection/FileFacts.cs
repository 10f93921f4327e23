using Shm.Primitives.Interop;

namespace Shm.Cli.Inspection;

/// <summary>What stat says about a directory entry: type, size, owner and mode. Taken without following symlinks or opening the file for I/O.</summary>
internal readonly record struct FileFacts(bool IsRegularFile, string FileTypeName, long Size, uint OwnerId, uint GroupId, uint Mode)
{
    private const int PathOnly = 0x200000; // O_PATH: the same value on x86-64 and arm64; fstat works on it, a FIFO does not block
    private const uint GroupOrOtherAccess = 0x36; // S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH

    /// <summary>Whether users other than the owner may open the file.</summary>
    public bool SharedBeyondOwner => (Mode & GroupOrOtherAccess) != 0;

    /// <summary>stat of <paramref name="path"/>, or null when it vanished or cannot be reached.</summary>
    public static FileFacts? TryGet(string path)
    {
        int fd = Libc.Open(path, PathOnly | OpenFlags.NoFollow | OpenFlags.CloseOnExec, 0);
        if (fd < 0)
            return null;
        try
        {
            return FileStatus.TryGet(fd, out FileStatus status, out _)
                ? new FileFacts(status.IsRegularFile, status.FileTypeName, status.Size, status.OwnerId, status.GroupId, status.Mode)
                : null;
        }
        finally
        {
            Libc.Close(fd);
        }
    }
}
