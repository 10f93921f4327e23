namespace Shm.Primitives;

// Opt-in event-loop integration, as Data::Queue::Shared's eventfd/notify: nothing is written implicitly, so
// producers decide how to batch notifications and pay nothing when no one listens.
public sealed partial class ShmQueue<T>
{
    private EventFd? _eventFd;
    private bool _ownsEventFd;

    /// <summary>The eventfd <see cref="Notify"/> signals in this process, or null.</summary>
    public EventFd? EventFd => Volatile.Read(ref _eventFd);

    /// <summary>
    /// Creates an inheritable eventfd for this instance (disposed with it) and returns it. Create it before
    /// starting child processes and have them <see cref="AttachEventFd"/> the inherited descriptor.
    /// </summary>
    public EventFd EnableEventFd()
    {
        EventFd created = Primitives.EventFd.Create(inheritable: true);
        SetEventFd(created, owns: true);
        return created;
    }

    /// <summary>Uses an existing eventfd (e.g. inherited from a parent); it stays the caller's to dispose.</summary>
    public void AttachEventFd(EventFd eventFd)
    {
        ArgumentNullException.ThrowIfNull(eventFd);
        SetEventFd(eventFd, owns: false);
    }

    /// <summary>Signals the eventfd: call after enqueueing (once per batch if you like). One system call.</summary>
    /// <exception cref="InvalidOperationException">No eventfd is enabled or attached.</exception>
    public void Notify() => RequireEventFd().Signal();

    /// <summary>Resets the eventfd's counter and returns how many notifications it held (0 if none). Never blocks.</summary>
    /// <exception cref="InvalidOperationException">No eventfd is enabled or attached.</exception>
    public ulong ConsumeNotifications() => RequireEventFd().Consume();

    private EventFd RequireEventFd() => Volatile.Read(ref _eventFd) ?? throw new InvalidOperationException(SR.Queue_NoEventFd);

    private void SetEventFd(EventFd eventFd, bool owns)
    {
        ThrowIfDisposed();
        DetachEventFd();
        _ownsEventFd = owns;
        Volatile.Write(ref _eventFd, eventFd);
    }

    private void DetachEventFd()
    {
        EventFd? previous = Interlocked.Exchange(ref _eventFd, null);
        if (previous is not null && _ownsEventFd)
            previous.Dispose();
    }
}
