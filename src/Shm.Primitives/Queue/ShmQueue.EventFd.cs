namespace Shm.Primitives;

// Opt-in event-loop integration: see EventFdSlot.
public sealed partial class ShmQueue<T>
{
    private readonly EventFdSlot _eventFdSlot = new();

    /// <summary>The eventfd <see cref="Notify"/> signals in this process, or null.</summary>
    public EventFd? EventFd => _eventFdSlot.Current;

    /// <summary>
    /// Creates an inheritable eventfd for this instance (disposed with it) and returns it. Create it before
    /// starting child processes and have them <see cref="AttachEventFd"/> the inherited descriptor.
    /// </summary>
    public EventFd EnableEventFd()
    {
        ThrowIfUnusable();
        return _eventFdSlot.Enable();
    }

    /// <summary>Uses an existing eventfd (e.g. inherited from a parent); it stays the caller's to dispose.</summary>
    public void AttachEventFd(EventFd eventFd)
    {
        ThrowIfUnusable();
        _eventFdSlot.Attach(eventFd);
    }

    /// <summary>Signals the eventfd: call after enqueueing (once per batch if you like). One system call.</summary>
    /// <exception cref="InvalidOperationException">No eventfd is enabled or attached.</exception>
    public void Notify() => _eventFdSlot.Notify();

    /// <summary>Resets the eventfd's counter and returns how many notifications it held (0 if none). Never blocks.</summary>
    /// <exception cref="InvalidOperationException">No eventfd is enabled or attached.</exception>
    public ulong ConsumeNotifications() => _eventFdSlot.Consume();

    private void DetachEventFd() => _eventFdSlot.Detach();
}
