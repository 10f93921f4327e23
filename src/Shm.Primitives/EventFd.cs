using Shm.Primitives.Interop;

namespace Shm.Primitives;

/// <summary>
/// A Linux eventfd: a counter in the kernel that an event loop can poll (readable while non-zero). Queues use
/// one for opt-in notifications (<see cref="ShmQueue{T}.Notify"/>). An eventfd cannot be reopened by path:
/// share it by creating it before starting child processes (it is inheritable by default) and attaching the
/// inherited number with <see cref="FromDescriptor"/>.
/// </summary>
public sealed unsafe class EventFd : IDisposable
{
    private const int GetStatusFlags = 3;   // F_GETFL
    private const int SetStatusFlags = 4;   // F_SETFL
    private const int NonBlocking = 0x800;  // O_NONBLOCK
    private readonly bool _ownsDescriptor;
    private int _descriptor;

    private EventFd(int descriptor, bool ownsDescriptor)
    {
        _descriptor = descriptor;
        _ownsDescriptor = ownsDescriptor;
    }

    /// <summary>Creates a non-blocking eventfd; <paramref name="inheritable"/> (default) lets child processes receive it.</summary>
    public static EventFd Create(bool inheritable = true)
    {
        int fd = Libc.EventFd(0, Libc.EFD_NONBLOCK | (inheritable ? 0 : Libc.EFD_CLOEXEC));
        if (fd < 0)
            ThrowHelper.ThrowIo("eventfd", "eventfd", Libc.LastError);
        return new EventFd(fd, ownsDescriptor: true);
    }

    /// <summary>
    /// Wraps an eventfd descriptor (typically inherited from a parent). It is switched to non-blocking mode.
    /// Closed on dispose only if <paramref name="ownsDescriptor"/>.
    /// </summary>
    public static EventFd FromDescriptor(int descriptor, bool ownsDescriptor = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(descriptor);
        int flags = Libc.Fcntl(descriptor, GetStatusFlags, 0);
        if (flags < 0 || Libc.Fcntl(descriptor, SetStatusFlags, flags | NonBlocking) < 0)
            ThrowHelper.ThrowIo("fcntl", "fd:" + descriptor, Libc.LastError);
        return new EventFd(descriptor, ownsDescriptor);
    }

    /// <summary>The descriptor to poll for readability (epoll, a Socket wrapper, an event loop).</summary>
    public int Descriptor
    {
        get
        {
            ObjectDisposedException.ThrowIf(_descriptor < 0, this);
            return _descriptor;
        }
    }

    /// <summary>Adds <paramref name="value"/> to the counter, making the descriptor readable. One system call.</summary>
    public void Signal(ulong value = 1)
    {
        ArgumentOutOfRangeException.ThrowIfZero(value);
        int fd = Descriptor;
        if (Libc.Write(fd, &value, sizeof(ulong)) != sizeof(ulong))
        {
            int errno = Libc.LastError;
            if (errno != Libc.EAGAIN) // the counter is saturated: the reader is already due to wake
                ThrowHelper.ThrowIo("write", "eventfd", errno);
        }
    }

    /// <summary>Reads and resets the counter; 0 if nothing was signalled since the last call. Never blocks.</summary>
    public ulong Consume()
    {
        int fd = Descriptor;
        ulong value;
        if (Libc.Read(fd, &value, sizeof(ulong)) == sizeof(ulong))
            return value;
        int errno = Libc.LastError;
        if (errno == Libc.EAGAIN)
            return 0;
        ThrowHelper.ThrowIo("read", "eventfd", errno);
        return 0;
    }

    /// <summary>Closes the descriptor if this instance owns it.</summary>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _descriptor, -1);
        if (fd >= 0 && _ownsDescriptor)
            Libc.Close(fd);
    }
}
