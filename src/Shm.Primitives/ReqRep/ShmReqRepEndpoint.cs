using Shm.Primitives.Diagnostics;
using Shm.Primitives.Participants;
using Shm.Primitives.ReqRep;
using Shm.Primitives.Segments;

namespace Shm.Primitives;

/// <summary>
/// What a server and a client of a shared-memory request/response channel have in common: the segment, its
/// geometry, the two opt-in eventfds, statistics, Flush, Unlink and Dispose.
/// </summary>
/// <remarks>
/// Both eventfds are opt-in and never signalled implicitly (Data::ReqRep::Shared's shape): a client calls
/// <see cref="NotifyRequest"/> after sending to wake a server's event loop, a server calls <see cref="NotifyReply"/>
/// after replying. Create them in the parent (<c>Enable…EventFd</c>) and attach the inherited descriptors in
/// children (<c>Attach…EventFd</c>).
/// </remarks>
public abstract unsafe class ShmReqRepEndpoint : IDisposable
{
    private readonly EventFdSlot _requestEvents = new();
    private readonly EventFdSlot _replyEvents = new();
    private readonly IDisposable _metrics;
    private readonly IDisposable _queue;
    private int _disposed;

    private protected ShmReqRepEndpoint(Segment segment, in ReqRepGeometry geometry, IDisposable queue, ParticipantTable participants)
    {
        Segment = segment;
        _queue = queue;
        Participants = participants;
        RequestCapacity = geometry.Queue.Capacity;
        Slots = new ResponseSlotTable(segment.Base + geometry.RegionOffset, geometry.Slots, geometry.ResponseBytes, segment.Name);
        _metrics = ReqRepMetrics.Register(segment.Name, GetStats);
    }

    private protected Segment Segment { get; }

    private protected ResponseSlotTable Slots { get; }

    private protected ParticipantTable Participants { get; }

    /// <summary>The segment's name in messages: its path, or memfd:/fd: with the name or number.</summary>
    public string Name => Segment.Name;

    /// <summary>The backing file's path, or null for a memfd or descriptor-opened channel.</summary>
    public string? Path => Segment.Path;

    /// <summary>The memfd descriptor of a channel created in a memfd (children inherit it), else -1.</summary>
    public int MemfdDescriptor => Segment.Descriptor;

    /// <summary>Most requests the request queue holds (the byte channel: in each of its two lanes; see <see cref="ShmReqRepServer"/>).</summary>
    public long RequestCapacity { get; }

    /// <summary>Response slots: the most requests in flight at once, over all clients.</summary>
    public int ResponseSlots => Slots.Count;

    /// <summary>The largest response a slot holds, in bytes.</summary>
    public int MaxResponseBytes => Slots.ResponseBytes;

    /// <summary>Bytes mapped.</summary>
    public long MappedBytes => Segment.Length;

    /// <summary>How this instance's blocking calls wait (a per-process setting). Default: spin, then sleep.</summary>
    public ShmWaitStrategy WaitStrategy { get; set; } = ShmWaitStrategy.SpinThenSleep;

    private protected bool Spin => WaitStrategy == ShmWaitStrategy.SpinThenSleep;

    /// <summary>The eventfd request notifications go to in this process, or null.</summary>
    public EventFd? RequestEventFd => _requestEvents.Current;

    /// <summary>The eventfd reply notifications go to in this process, or null.</summary>
    public EventFd? ReplyEventFd => _replyEvents.Current;

    /// <summary>Creates an inheritable eventfd for request notifications (disposed with this instance).</summary>
    public EventFd EnableRequestEventFd()
    {
        ThrowIfUnusable();
        return _requestEvents.Enable();
    }

    /// <summary>Uses an existing (e.g. inherited) eventfd for request notifications; it stays the caller's to dispose.</summary>
    public void AttachRequestEventFd(EventFd eventFd)
    {
        ThrowIfUnusable();
        _requestEvents.Attach(eventFd);
    }

    /// <summary>Signals the request eventfd (a client after sending). One system call.</summary>
    /// <exception cref="InvalidOperationException">No request eventfd is enabled or attached.</exception>
    public void NotifyRequest() => _requestEvents.Notify();

    /// <summary>Resets the request eventfd's counter and returns what it held (0 if nothing). Never blocks.</summary>
    public ulong ConsumeRequestNotifications() => _requestEvents.Consume();

    /// <summary>Creates an inheritable eventfd for reply notifications (disposed with this instance).</summary>
    public EventFd EnableReplyEventFd()
    {
        ThrowIfUnusable();
        return _replyEvents.Enable();
    }

    /// <summary>Uses an existing (e.g. inherited) eventfd for reply notifications; it stays the caller's to dispose.</summary>
    public void AttachReplyEventFd(EventFd eventFd)
    {
        ThrowIfUnusable();
        _replyEvents.Attach(eventFd);
    }

    /// <summary>Signals the reply eventfd (a server after replying). One system call.</summary>
    /// <exception cref="InvalidOperationException">No reply eventfd is enabled or attached.</exception>
    public void NotifyReply() => _replyEvents.Notify();

    /// <summary>Resets the reply eventfd's counter and returns what it held (0 if nothing). Never blocks.</summary>
    public ulong ConsumeReplyNotifications() => _replyEvents.Consume();

    /// <summary>Requests waiting in the queue (a racy snapshot).</summary>
    public long Queued => QueuedRequests;

    private protected abstract long QueuedRequests { get; }

    /// <summary>A counter summed over every participant record of the channel (the byte channel has two tables).</summary>
    private protected virtual long SumCounter(int counter) => Participants.SumCounter(counter);

    /// <summary>Totals over every process that used the channel; see <see cref="ShmReqRepStats"/>. Takes no lock.</summary>
    public ShmReqRepStats GetStats()
    {
        ThrowIfUnusable();
        int[] states = Slots.CountByState();
        int live = 0;
        for (int i = 1; i <= ShmReqRepLayout.ServerRecordCount; i++)
        {
            if (Slots.Members.IsServerAlive(i))
                live++;
        }
        return new ShmReqRepStats(
            QueuedRequests,
            RequestCapacity,
            Slots.Count,
            states[(int)SlotState.Free],
            states[(int)SlotState.Acquired],
            states[(int)SlotState.Taken] + states[(int)SlotState.Writing],
            states[(int)SlotState.Ready],
            states[(int)SlotState.Failed],
            SumCounter(ReqRepCounter.Requests),
            SumCounter(ReqRepCounter.Received),
            SumCounter(ReqRepCounter.Replies),
            SumCounter(ReqRepCounter.StaleReplies),
            SumCounter(ReqRepCounter.Timeouts),
            SumCounter(ReqRepCounter.Cancels),
            SumCounter(ReqRepCounter.Recoveries) + Slots.Members.ServerDeathCount,
            live);
    }

    /// <summary>msync: writes the mapping to its file (only meaningful outside tmpfs).</summary>
    public void Flush() => Segment.Flush();

    /// <summary>Removes the channel's file name; open instances keep working. False for memfd channels.</summary>
    public bool Unlink() => Segment.Unlink();

    /// <summary>Removes a channel file by name or path; false if it did not exist.</summary>
    public static bool Unlink(string name, SegmentOptions? options = null) => Segment.Unlink(name, options);

    /// <summary>Unregisters this endpoint (failing what it owes others: a server's taken requests, a client's slots) and unmaps.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _metrics.Dispose();
        Threading.FutexWaitService.Shared.RemoveOwnedBy(this, new ObjectDisposedException(Name));
        Unregister();
        _requestEvents.Detach();
        _replyEvents.Detach();
        _queue.Dispose(); // owns the segment: unmaps it
        GC.SuppressFinalize(this);
    }

    /// <summary>Role-specific cleanup while still mapped.</summary>
    private protected abstract void Unregister();

    private protected void ThrowIfUnusable() => Segment.ThrowIfUnusable();

    private protected ThreadParticipant Me => Participants.Current;

    private protected void Count(int counter, long delta = 1) => Participants.Current.Counter(counter) += delta;

    /// <summary>A Stopwatch deadline for a timeout (long.MaxValue: none).</summary>
    private protected static long DeadlineOf(TimeSpan timeout)
    {
        ThrowHelper.ValidateTimeout(timeout);
        return timeout == Timeout.InfiniteTimeSpan ? long.MaxValue
            : System.Diagnostics.Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
    }

    /// <summary>Time left until a Stopwatch deadline, never negative; infinite for long.MaxValue.</summary>
    private protected static TimeSpan Remaining(long deadline)
    {
        if (deadline == long.MaxValue)
            return Timeout.InfiniteTimeSpan;
        long left = deadline - System.Diagnostics.Stopwatch.GetTimestamp();
        return left <= 0 ? TimeSpan.Zero : System.Diagnostics.Stopwatch.GetElapsedTime(0, left);
    }
}
