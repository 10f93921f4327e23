using System.Runtime.InteropServices;

namespace Shm.Primitives.Interop;

/// <summary>The fields of fstat(2) Shm needs, read from the kernel's struct stat for this architecture.</summary>
internal readonly struct FileStatus
{
    private const uint FileTypeMask = 0xF000; // S_IFMT
    private const uint RegularFile = 0x8000;  // S_IFREG
    private const int StatBufferSize = 256;   // struct stat is 144 (x86-64) or 128 (arm64) bytes

    public uint Mode { get; init; }
    public uint OwnerId { get; init; }
    public uint GroupId { get; init; }
    public long Size { get; init; }

    public bool IsRegularFile => (Mode & FileTypeMask) == RegularFile;

    public string FileTypeName => (Mode & FileTypeMask) switch
    {
        0x8000 => "regular file",
        0x4000 => "directory",
        0x2000 => "character device",
        0x6000 => "block device",
        0x1000 => "pipe",
        0xA000 => "symbolic link",
        0xC000 => "socket",
        _ => "unknown file type",
    };

    /// <summary>fstat(fd); returns false with errno set on failure.</summary>
    public static unsafe bool TryGet(int fd, out FileStatus status, out int errno)
    {
        byte* buffer = stackalloc byte[StatBufferSize];
        if (Libc.FStat(fd, buffer) != 0)
        {
            errno = Libc.LastError;
            status = default;
            return false;
        }

        errno = 0;
        bool arm64 = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;
        // x86-64: st_dev 8, st_ino 8, st_nlink 8, st_mode 4, st_uid 4, st_gid 4, pad 4, st_rdev 8, st_size 8.
        // arm64:  st_dev 8, st_ino 8, st_mode 4, st_nlink 4, st_uid 4, st_gid 4, st_rdev 8, pad 8, st_size 8.
        status = arm64
            ? new FileStatus { Mode = *(uint*)(buffer + 16), OwnerId = *(uint*)(buffer + 24), GroupId = *(uint*)(buffer + 28), Size = *(long*)(buffer + 48) }
            : new FileStatus { Mode = *(uint*)(buffer + 24), OwnerId = *(uint*)(buffer + 28), GroupId = *(uint*)(buffer + 32), Size = *(long*)(buffer + 48) };
        return true;
    }
}
