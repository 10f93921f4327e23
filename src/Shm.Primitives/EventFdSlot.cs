namespace Shm.Primitives;

/// <summary>
/// The opt-in eventfd of one primitive instance (Data::Queue::Shared's eventfd/notify): nothing is written to it
/// implicitly, so producers decide how to batch notifications and pay nothing when no one listens.
/// </summary>
internal sealed class EventFdSlot
{
    private EventFd? _eventFd;
    private bool _owned;

    public EventFd? Current => Volatile.Read(ref _eventFd);

    public EventFd Enable()
    {
        EventFd created = EventFd.Create(inheritable: true);
        Set(created, owned: true);
        return created;
    }

    public void Attach(EventFd eventFd)
    {
        ArgumentNullException.ThrowIfNull(eventFd);
        Set(eventFd, owned: false);
    }

    public void Notify() => Require().Signal();

    public ulong Consume() => Require().Consume();

    /// <summary>Drops the eventfd, disposing it if this slot created it.</summary>
    public void Detach()
    {
        EventFd? previous = Interlocked.Exchange(ref _eventFd, null);
        if (previous is not null && _owned)
            previous.Dispose();
    }

    private EventFd Require() => Volatile.Read(ref _eventFd) ?? throw new InvalidOperationException(SR.Queue_NoEventFd);

    private void Set(EventFd eventFd, bool owned)
    {
        Detach();
        _owned = owned;
        Volatile.Write(ref _eventFd, eventFd);
    }
}
