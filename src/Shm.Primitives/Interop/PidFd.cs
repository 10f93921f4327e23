using System.Runtime.InteropServices;

namespace Shm.Primitives.Interop;

/// <summary>
/// Process descriptors (pidfd_open, Linux ≥ 5.3): a descriptor that becomes readable the moment its process exits,
/// so a watcher learns of a kill -9 at once instead of polling /proc.
/// </summary>
internal static unsafe class PidFd
{
    /// <summary>
    /// Opens a pidfd for the process <paramref name="owner"/> names (pid + start time). Returns -1 if that process is
    /// gone, including when its pid now belongs to another process (the start time is checked after opening, so the
    /// descriptor cannot end up watching a process that reused the pid).
    /// </summary>
    public static int Open(ulong owner)
    {
        int pid = ProcessIdentity.PidOf(owner);
        int fd = (int)Libc.Syscall(OpenFlags.PidFdOpenSyscall, pid, 0, 0, 0, 0, 0);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.ENOSYS)
                throw new PlatformNotSupportedException("pidfd_open is not available (Linux 5.3 or later is required).");
            return -1;
        }
        if (!ProcessIdentity.IsAlive(owner))
        {
            Libc.Close(fd);
            return -1;
        }
        return fd;
    }

    /// <summary>Closes a descriptor <see cref="Open"/> returned.</summary>
    public static void Close(int fd)
    {
        if (fd >= 0)
            Libc.Close(fd);
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for any of <paramref name="descriptors"/> to report its process's exit;
    /// sets <paramref name="exited"/>[i] for each that did. Returns how many did (0 at timeout or on EINTR).
    /// </summary>
    public static int WaitAny(ReadOnlySpan<int> descriptors, Span<bool> exited, TimeSpan timeout)
    {
        Span<Libc.PollFd> fds = descriptors.Length <= 64 ? stackalloc Libc.PollFd[descriptors.Length] : new Libc.PollFd[descriptors.Length];
        for (int i = 0; i < descriptors.Length; i++)
            fds[i] = new Libc.PollFd { Fd = descriptors[i], Events = Libc.POLLIN };
        int ready;
        fixed (Libc.PollFd* p = fds)
            ready = Libc.Poll(p, (nuint)fds.Length, (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue));
        if (ready <= 0)
            return 0;
        int count = 0;
        for (int i = 0; i < fds.Length; i++)
        {
            exited[i] = fds[i].Revents != 0;
            if (exited[i])
                count++;
        }
        return count;
    }
}
