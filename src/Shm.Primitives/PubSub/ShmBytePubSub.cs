using System.Runtime.CompilerServices;
using System.Text;
using Shm.Primitives.Diagnostics;
using Shm.Primitives.Participants;
using Shm.Primitives.PubSub;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;
using L = Shm.Primitives.PubSub.ShmBytePubSubLayout;

namespace Shm.Primitives;

/// <summary>
/// A broadcast ring of byte messages (up to <see cref="MaxMessageBytes"/> each) in shared memory: publishers in
/// any process write, every subscriber (<see cref="Subscribe"/>) reads every message with its own cursor.
/// Publishing is serialized by a lock that a publisher killed while holding it cannot wedge (see ProcessLock); readers
/// take no lock and never block publishers.
/// Overwrite mode: a subscriber more than <see cref="Capacity"/> behind loses the oldest messages, and is told so.
/// </summary>
/// <example>
/// <code>
/// using var events = ShmBytePubSub.CreateOrOpen("events", capacity: 4096, maxMessageBytes: 512);
/// ShmByteSubscriber subscriber = events.Subscribe();
/// events.Publish("started"u8);
/// if (subscriber.TryPoll(out byte[] message)) Console.WriteLine(Encoding.UTF8.GetString(message));
/// </code>
/// </example>
public sealed unsafe class ShmBytePubSub : IDisposable, IWaitTarget
{
    private readonly Segment _segment;
    private readonly ulong* _lock;
    private readonly long* _writePosition;
    private readonly byte* _slots;
    private readonly long _capacity;
    private readonly long _mask;
    private readonly long _slotSize;
    private readonly int _maxMessageBytes;
    private readonly ParticipantTable _participants;
    private readonly SleepCoordinator _sleepers;
    private readonly IDisposable _metrics;
    private readonly ShmPubSubMode _mode;
    private readonly SubscriberTable _subscribers;

    private ShmBytePubSub(Segment segment)
    {
        _segment = segment;
        SegmentGeometry geometry = segment.Geometry;
        byte* b = segment.Base;
        _capacity = geometry.Capacity;
        _mask = _capacity - 1;
        _maxMessageBytes = L.MaxMessageBytesOf(geometry.Parameter2);
        _mode = L.ModeOf(geometry.Parameter2);
        _subscribers = new SubscriberTable(b + L.SubscribersOffset(geometry.Parameter1));
        _slotSize = L.SlotSize(_maxMessageBytes);
        _lock = (ulong*)(b + L.LockOffset);
        _writePosition = (long*)(b + L.WritePositionOffset);
        _slots = b + L.SlotsOffset(geometry.Parameter1);
        uint* waiters = (uint*)(b + L.WaitersOffset);
        uint* reservedWaiters = (uint*)(b + L.ReservedWaitersOffset);
        _participants = new ParticipantTable(b + L.ParticipantsOffset, (int)geometry.Parameter1, segment.Name,
            (long*)(b + L.RetiredCountersOffset), waiters, reservedWaiters);
        _sleepers = new SleepCoordinator(_segment, (uint*)(b + L.WakeSequenceOffset), waiters, (uint*)(b + L.ReservedWakeSequenceOffset),
            reservedWaiters, _participants, () => _participants.ReapDead(null));
        _participants.ReapDead(null);
        _metrics = QueueMetrics.Register(segment.Name, ReadMetrics);
    }

    /// <summary>Creates a new ring file; fails with <see cref="IOException"/> if it exists.</summary>
    /// <param name="name">A bare name (placed in <see cref="SegmentOptions.Directory"/>) or an absolute path.</param>
    /// <param name="capacity">Slots; rounded up to a power of two (minimum 2), at most 2^24.</param>
    /// <param name="maxMessageBytes">The longest message (default 256, at most 1 MiB); every slot reserves this much.</param>
    /// <param name="options">File location, permissions and owner checks.</param>
    /// <param name="mode">Overwrite (default: publishing never waits) or Backpressure (registered subscribers lose nothing).</param>
    public static ShmBytePubSub CreateNew(string name, long capacity, int maxMessageBytes = L.DefaultMaxMessageBytes, ShmPubSubMode mode = ShmPubSubMode.Overwrite, SegmentOptions? options = null) =>
        Attach(name, Segment.AttachMode.CreateNew, capacity, maxMessageBytes, mode, options);

    /// <summary>Opens an existing ring, reading its geometry from the header.</summary>
    public static ShmBytePubSub OpenExisting(string name, SegmentOptions? options = null) =>
        new(Segment.Attach(name, Segment.AttachMode.OpenExisting, ShmBytePubSubLayoutRules.Instance, null, options));

    /// <summary>Opens the ring if it exists (keeping its geometry), otherwise creates it; race-free across processes.</summary>
    public static ShmBytePubSub CreateOrOpen(string name, long capacity, int maxMessageBytes = L.DefaultMaxMessageBytes, ShmPubSubMode mode = ShmPubSubMode.Overwrite, SegmentOptions? options = null) =>
        Attach(name, Segment.AttachMode.CreateOrOpen, capacity, maxMessageBytes, mode, options);

    /// <summary>Creates an anonymous ring in a sealed memfd; children inherit <see cref="MemfdDescriptor"/>.</summary>
    public static ShmBytePubSub CreateMemfd(string debugName, long capacity, int maxMessageBytes = L.DefaultMaxMessageBytes, ShmPubSubMode mode = ShmPubSubMode.Overwrite)
    {
        long rounded = Validate(capacity, maxMessageBytes, mode);
        return new ShmBytePubSub(Segment.CreateMemfd(debugName, ShmBytePubSubLayoutRules.Instance, ShmBytePubSubLayoutRules.Instance.Geometry(rounded, maxMessageBytes, mode)));
    }

    /// <summary>Opens a ring from a descriptor the caller owns; dispose does not close it.</summary>
    public static ShmBytePubSub OpenDescriptor(int descriptor, SegmentOptions? options = null) =>
        new(Segment.OpenDescriptor(descriptor, ShmBytePubSubLayoutRules.Instance, options));

    /// <summary>Removes a ring file by name or path; false if it did not exist.</summary>
    public static bool Unlink(string name, SegmentOptions? options = null) => Segment.Unlink(name, options);

    private static ShmBytePubSub Attach(string name, Segment.AttachMode attach, long capacity, int maxMessageBytes, ShmPubSubMode mode, SegmentOptions? options)
    {
        long rounded = Validate(capacity, maxMessageBytes, mode);
        return new ShmBytePubSub(Segment.Attach(name, attach, ShmBytePubSubLayoutRules.Instance, ShmBytePubSubLayoutRules.Instance.Geometry(rounded, maxMessageBytes, mode), options));
    }

    private static long Validate(long capacity, int maxMessageBytes, ShmPubSubMode mode)
    {
        if (!Enum.IsDefined(mode))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode must be Overwrite or Backpressure.");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessageBytes, L.MaxMaxMessageBytes);
        return ThrowHelper.RoundCapacity(capacity, L.MaxCapacity);
    }

    /// <summary>The segment's name in messages.</summary>
    public string Name => _segment.Name;

    /// <summary>The memfd descriptor of a ring made by <see cref="CreateMemfd"/>, else -1.</summary>
    public int MemfdDescriptor => _segment.Descriptor;

    /// <summary>Slots: how far a subscriber may fall behind before it loses messages.</summary>
    public long Capacity => _capacity;

    /// <summary>The delivery mode chosen when the ring was created.</summary>
    public ShmPubSubMode Mode => _mode;

    /// <summary>The longest message the ring accepts (exactly this many bytes is accepted).</summary>
    public int MaxMessageBytes => _maxMessageBytes;

    /// <summary>The position the next message will be published at.</summary>
    public long WritePosition
    {
        get
        {
            _segment.ThrowIfUnusable();
            return Volatile.Read(ref *_writePosition);
        }
    }

    /// <summary>A subscriber that receives messages published from now on. Use it from one thread at a time.</summary>
    public ShmByteSubscriber Subscribe() => new(this, () => WritePosition);

    /// <summary>A subscriber that starts at the oldest message still in the ring.</summary>
    public ShmByteSubscriber SubscribeFromOldest() => new(this, () => Math.Max(0, WritePosition - _capacity));

    /// <summary>Publishes a message to every subscriber. Waits only for another publisher's short critical section.</summary>
    /// <returns>True; false only in Backpressure mode while the slowest registered subscriber is a full ring behind.</returns>
    /// <exception cref="ArgumentException">The message is longer than <see cref="MaxMessageBytes"/>.</exception>
    public bool Publish(ReadOnlySpan<byte> message)
    {
        ThrowIfTooLong(message.Length);
        ThreadParticipant me = _participants.Current;
        EnterLock();
        try
        {
            long position = Volatile.Read(ref *_writePosition);
            if (!HasRoomLocked(position, 1))
                return false;
            WriteSlotLocked(position, message);
            FaultPoint.Hit(FaultPoints.BytePubSubPublishCommitted);
            // Commit last: the message becomes readable when the write position passes it.
            Volatile.Write(ref *_writePosition, position + 1);
        }
        finally
        {
            ProcessLock.Unlock(_lock);
        }
        me.Counter(PubSubCounter.Published)++;
        _sleepers.WakeAfterChange(consumers: true, int.MaxValue);
        return true;
    }

    /// <summary>Publishes a string, UTF-8 encoded (see <see cref="Publish(ReadOnlySpan{byte})"/>).</summary>
    public bool Publish(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Publish(Encoding.UTF8.GetBytes(message));
    }

    /// <summary>
    /// Publishes a message, waiting up to <paramref name="timeout"/> for room in Backpressure mode (Overwrite mode
    /// never waits for subscribers).
    /// </summary>
    /// <returns>False if the slowest registered subscriber stayed a full ring behind for the whole timeout.</returns>
    public bool TryPublish(ReadOnlySpan<byte> message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowHelper.ValidateTimeout(timeout);
        if (Publish(message))
            return true;
        var attempt = new PublishAttempt(this, message);
        return _sleepers.Wait(this, ref attempt, consumerSide: false, timeout, cancellationToken);
    }

    /// <summary>Publishes messages in order under one lock hold; they become readable together.</summary>
    /// <returns>True; false (nothing published) in Backpressure mode when they do not fit before the slowest subscriber.</returns>
    /// <exception cref="ArgumentException">A message is longer than <see cref="MaxMessageBytes"/> (nothing is published).</exception>
    public bool PublishMany(ReadOnlySpan<ReadOnlyMemory<byte>> messages)
    {
        foreach (ReadOnlyMemory<byte> message in messages)
            ThrowIfTooLong(message.Length);
        if (messages.IsEmpty)
            return true;
        if (_mode == ShmPubSubMode.Backpressure && messages.Length > _capacity)
            throw new ArgumentOutOfRangeException(nameof(messages), messages.Length, $"A backpressure ring of capacity {_capacity} cannot take a batch larger than its capacity.");
        ThreadParticipant me = _participants.Current;
        EnterLock();
        try
        {
            long position = Volatile.Read(ref *_writePosition);
            if (!HasRoomLocked(position, messages.Length))
                return false;
            for (int i = 0; i < messages.Length; i++)
                WriteSlotLocked(position + i, messages[i].Span);
            FaultPoint.Hit(FaultPoints.BytePubSubPublishManyCommitted);
            Volatile.Write(ref *_writePosition, position + messages.Length);
        }
        finally
        {
            ProcessLock.Unlock(_lock);
        }
        me.Counter(PubSubCounter.Published) += messages.Length;
        _sleepers.WakeAfterChange(consumers: true, int.MaxValue);
        return true;
    }

    /// <summary>Backpressure: whether [position, position + count) stays within a ring of the slowest live subscriber.</summary>
    private bool HasRoomLocked(long position, long count) =>
        _mode == ShmPubSubMode.Overwrite || _subscribers.HasRoom(position + count, Volatile.Read(ref *_writePosition), _capacity);

    /// <summary>A blocked publisher looks for dead subscribers on every wake, and sleeps in short slices meanwhile.</summary>
    bool IWaitTarget.ExamineWhileWaiting(ThreadParticipant me, bool consumerSide)
    {
        _subscribers.ReapAndRefresh(Volatile.Read(ref *_writePosition), _capacity);
        return true;
    }

    internal SubscriberTable Subscribers => _subscribers;

    private ref struct PublishAttempt(ShmBytePubSub ring, ReadOnlySpan<byte> message) : IWaitAttempt
    {
        private readonly ReadOnlySpan<byte> _message = message;

        public readonly bool TryOnce() => ring.Publish(_message);
    }

    private void WriteSlotLocked(long position, ReadOnlySpan<byte> message)
    {
        byte* slot = SlotAt(position);
        // Mark first: a reader still on the previous lap's message sees the sequence move and retries.
        Volatile.Write(ref *(long*)slot, 2 * position + 1);
        FaultPoint.Hit(FaultPoints.BytePubSubPublishWriting);
        *(int*)(slot + L.LengthOffset) = message.Length;
        message.CopyTo(new Span<byte>(slot + L.SlotHeaderSize, message.Length));
        Volatile.Write(ref *(long*)slot, 2 * position + 2); // release: length and data before the sequence
    }

    /// <summary>
    /// Takes the publish lock. After a holder died: slots it committed but did not make readable yet
    /// are made readable (the write position advanced over them); a slot it was writing stays unreadable and is
    /// overwritten by the next publish. Nothing torn is ever visible.
    /// </summary>
    private void EnterLock()
    {
        _segment.ThrowIfUnusable();
        if (ProcessLock.Lock(_lock) != LockOutcome.AcquiredFromDeadOwner)
            return;
        long position = Volatile.Read(ref *_writePosition);
        while (Volatile.Read(ref *(long*)SlotAt(position)) == 2 * position + 2)
            position++;
        Volatile.Write(ref *_writePosition, position);
        _participants.Current.Counter(PubSubCounter.Abandoned)++;
    }

    private void ThrowIfTooLong(int length)
    {
        if (length > _maxMessageBytes)
            throw new ArgumentException($"The message is {length} bytes; ShmBytePubSub '{Name}' accepts at most {_maxMessageBytes} bytes.", "message");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal byte* SlotAt(long position) => _slots + (position & _mask) * _slotSize;

    internal long* WritePositionPointer => _writePosition;

    internal SleepCoordinator Sleepers => _sleepers;

    internal void ThrowIfUnusable() => _segment.ThrowIfUnusable();

    private readonly EventFdSlot _eventFdSlot = new();

    /// <summary>The eventfd <see cref="Notify"/> signals in this process, or null.</summary>
    public EventFd? EventFd => _eventFdSlot.Current;

    /// <summary>Creates an inheritable eventfd for this instance (disposed with it); see <see cref="ShmQueue{T}.EnableEventFd"/>.</summary>
    public EventFd EnableEventFd()
    {
        _segment.ThrowIfUnusable();
        return _eventFdSlot.Enable();
    }

    /// <summary>Uses an existing eventfd (e.g. inherited); it stays the caller's to dispose.</summary>
    public void AttachEventFd(EventFd eventFd)
    {
        _segment.ThrowIfUnusable();
        _eventFdSlot.Attach(eventFd);
    }

    /// <summary>Signals the eventfd (never done implicitly, so publishers choose how to batch). One system call.</summary>
    /// <exception cref="InvalidOperationException">No eventfd is enabled or attached.</exception>
    public void Notify() => _eventFdSlot.Notify();

    /// <summary>Resets the eventfd's counter and returns what it held (0 if nothing). Never blocks.</summary>
    /// <exception cref="InvalidOperationException">No eventfd is enabled or attached.</exception>
    public ulong ConsumeNotifications() => _eventFdSlot.Consume();

    /// <summary>msync: writes the mapping to its file (only meaningful outside tmpfs).</summary>
    public void Flush() => _segment.Flush();

    /// <summary>Removes this ring's file name; open instances keep working.</summary>
    public bool Unlink() => _segment.Unlink();

    /// <summary>Published messages, lock recoveries and sleeping subscribers, over every process that used the ring.</summary>
    public ShmPubSubStats GetStats()
    {
        _segment.ThrowIfUnusable();
        return new ShmPubSubStats(Volatile.Read(ref *_writePosition), _capacity, _participants.SumCounter(PubSubCounter.Published), 0,
            _participants.SumCounter(PubSubCounter.Abandoned), _sleepers.SleepingConsumers);
    }

    /// <summary>Unmaps the ring; pending polls of this instance fail with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_segment.IsDisposed)
            return;
        _metrics.Dispose();
        FutexWaitService.Shared.RemoveOwnedBy(this, new ObjectDisposedException(Name));
        _eventFdSlot.Detach();
        _participants.ReleaseAll();
        _segment.Dispose();
    }

    private QueueMetricsSnapshot ReadMetrics()
    {
        ShmPubSubStats s = GetStats();
        return new QueueMetricsSnapshot(0, s.Published, 0, 0, 0, s.Abandoned, s.SleepingSubscribers);
    }
}
