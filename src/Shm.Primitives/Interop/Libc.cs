using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Shm.Primitives.Interop;

/// <summary>
/// The one place Shm calls into the C library. Every function sets errno on failure
/// (<see cref="Marshal.GetLastPInvokeError"/>); callers turn errno into exceptions through ThrowHelper.
/// Constants that differ between x86-64 and arm64 are resolved once in <see cref="OpenFlags"/>.
/// </summary>
internal static unsafe partial class Libc
{
    private const string LibraryName = "libc";

    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EEXIST = 17;
    public const int ENOENT = 2;
    public const int ETIMEDOUT = 110;
    public const int EOPNOTSUPP = 95;
    public const int ENOSYS = 38;

    public const int PROT_READ = 1;
    public const int PROT_WRITE = 2;
    public const int MAP_SHARED = 1;
    public const int MS_SYNC = 4;

    public const int LOCK_EX = 2;
    public const int LOCK_UN = 8;

    public const int F_ADD_SEALS = 1033;
    public const int F_GET_SEALS = 1034;
    public const int F_SEAL_SEAL = 1;
    public const int F_SEAL_SHRINK = 2;
    public const int F_SEAL_GROW = 4;

    public const uint MFD_CLOEXEC = 1;
    public const uint MFD_ALLOW_SEALING = 2;

    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;

    public const int SIGKILL = 9;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;

    [LibraryImport(LibraryName, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags, uint mode);

    [LibraryImport(LibraryName, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(LibraryName, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int FTruncate(int fd, long length);

    [LibraryImport(LibraryName, EntryPoint = "truncate", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Truncate(string path, long length);

    [LibraryImport(LibraryName, EntryPoint = "fallocate", SetLastError = true)]
    public static partial int FAllocate(int fd, int mode, long offset, long length);

    [LibraryImport(LibraryName, EntryPoint = "fstat", SetLastError = true)]
    public static partial int FStat(int fd, byte* statBuffer);

    [LibraryImport(LibraryName, EntryPoint = "fchmod", SetLastError = true)]
    public static partial int FChmod(int fd, uint mode);

    [LibraryImport(LibraryName, EntryPoint = "fchown", SetLastError = true)]
    public static partial int FChown(int fd, uint owner, uint group);

    [LibraryImport(LibraryName, EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    [LibraryImport(LibraryName, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint MMap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(LibraryName, EntryPoint = "munmap", SetLastError = true)]
    public static partial int MUnmap(nint address, nuint length);

    [LibraryImport(LibraryName, EntryPoint = "msync", SetLastError = true)]
    public static partial int MSync(nint address, nuint length, int flags);

    [LibraryImport(LibraryName, EntryPoint = "memfd_create", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int MemfdCreate(string name, uint flags);

    [LibraryImport(LibraryName, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(LibraryName, EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport(LibraryName, EntryPoint = "unlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Unlink(string path);

    [LibraryImport(LibraryName, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport(LibraryName, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport(LibraryName, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nuint count);

    public const int IN_CLOEXEC = 0x80000;

    [LibraryImport(LibraryName, EntryPoint = "inotify_init1", SetLastError = true)]
    public static partial int InotifyInit1(int flags);

    [LibraryImport(LibraryName, EntryPoint = "inotify_add_watch", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int InotifyAddWatch(int fd, string path, uint mask);

    [LibraryImport(LibraryName, EntryPoint = "inotify_rm_watch", SetLastError = true)]
    public static partial int InotifyRmWatch(int fd, int watch);

    public const short POLLIN = 1;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(LibraryName, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(LibraryName, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>
    /// The raw syscall entry with fixed arguments (the variadic C prototype passes integers in the same
    /// registers on x86-64 and arm64 Linux). Used for futex and futex_waitv, which glibc does not wrap.
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall(long number, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6);

    [LibraryImport(LibraryName, EntryPoint = "clock_gettime")]
    public static partial int ClockGetTime(int clock, void* time);

    // pthread mutexes (glibc >= 2.34 exports them from libc.so.6). They return the error code instead of setting errno.
    public const int EBUSY = 16;
    public const int EOWNERDEAD = 130;
    public const int ENOTRECOVERABLE = 131;

    [LibraryImport(LibraryName, EntryPoint = "pthread_mutexattr_init")]
    public static partial int PthreadMutexattrInit(void* attributes);

    [LibraryImport(LibraryName, EntryPoint = "pthread_mutexattr_setpshared")]
    public static partial int PthreadMutexattrSetpshared(void* attributes, int shared);

    [LibraryImport(LibraryName, EntryPoint = "pthread_mutexattr_setrobust")]
    public static partial int PthreadMutexattrSetrobust(void* attributes, int robust);

    [LibraryImport(LibraryName, EntryPoint = "pthread_mutexattr_destroy")]
    public static partial int PthreadMutexattrDestroy(void* attributes);

    [LibraryImport(LibraryName, EntryPoint = "pthread_mutex_init")]
    public static partial int PthreadMutexInit(void* mutex, void* attributes);

    [LibraryImport(LibraryName, EntryPoint = "pthread_mutex_lock")]
    public static partial int PthreadMutexLock(void* mutex);

    // trylock and unlock never block (unlock may issue one FUTEX_WAKE): skipping the GC transition keeps the
    // lock hold short, which is what the other process is waiting on.
    [LibraryImport(LibraryName, EntryPoint = "pthread_mutex_trylock")]
    [SuppressGCTransition]
    public static partial int PthreadMutexTrylock(void* mutex);

    [LibraryImport(LibraryName, EntryPoint = "pthread_mutex_clocklock")]
    public static partial int PthreadMutexClocklock(void* mutex, int clock, void* absoluteTimeout);

    [LibraryImport(LibraryName, EntryPoint = "pthread_mutex_unlock")]
    [SuppressGCTransition]
    public static partial int PthreadMutexUnlock(void* mutex);

    [LibraryImport(LibraryName, EntryPoint = "pthread_mutex_consistent")]
    public static partial int PthreadMutexConsistent(void* mutex);

    [LibraryImport(LibraryName, EntryPoint = "gnu_get_libc_version")]
    public static partial nint GnuGetLibcVersion();

    /// <summary>errno of the last failed call on this thread.</summary>
    public static int LastError => Marshal.GetLastPInvokeError();
}
