using System.Runtime.CompilerServices;
using Shm.Primitives.Diagnostics;
using Shm.Primitives.Participants;
using Shm.Primitives.PubSub;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;
using L = Shm.Primitives.PubSub.ShmPubSubLayout;
using R = Shm.Primitives.Participants.ParticipantRecordLayout;

namespace Shm.Primitives;

/// <summary>
/// A broadcast ring of unmanaged values in shared memory: publishers in any process write, and every
/// subscriber (<see cref="Subscribe"/>, in any process) reads every message with its own cursor. Messages are
/// not consumed. Overwrite mode: publishing never blocks and never depends on the number of subscribers; a
/// subscriber that falls more than <see cref="Capacity"/> behind loses the oldest messages, and is told so.
/// </summary>
/// <remarks>
/// Publishing is lock-free: one CAS claims a position (or a run of them for <see cref="PublishMany"/>), the
/// value is written into its slot and committed with one store; readers use the slot's sequence as a seqlock
/// and never block publishers. A publisher killed between its claim and its commit leaves a hole that readers
/// skip after <see cref="HoleGracePeriod"/> (counted as lost); a slow publisher that commits late can never
/// overwrite a newer message, and readers never take a stale value for a fresh one.
/// </remarks>
/// <example>
/// <code>
/// using var ring = ShmPubSub&lt;long&gt;.CreateOrOpen("prices", capacity: 4096);
/// var subscriber = ring.Subscribe();          // future messages only
/// ring.Publish(42);
/// if (subscriber.TryPoll(out long price, out long lost)) Console.WriteLine($"{price} ({lost} lost before it)");
/// </code>
/// </example>
public sealed unsafe partial class ShmPubSub<T> : IDisposable, IWaitTarget where T : unmanaged
{
    /// <summary>The largest capacity (2^31 slots).</summary>
    public const long MaxCapacity = L.MaxCapacity;

    /// <summary>
    /// How long a reader waits on a claimed but uncommitted position before asking who holds it: if no live
    /// publisher does (it died, or dropped its message), the position is skipped as lost right then.
    /// </summary>
    public static TimeSpan HoleGracePeriod { get; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long a reader waits on a position a live publisher holds (descheduled, or stopped) before skipping it
    /// anyway, so a stopped publisher cannot stall its subscribers forever.
    /// </summary>
    public static TimeSpan StalledPublisherTimeout { get; } = TimeSpan.FromSeconds(1);

    private readonly Segment _segment;
    private readonly byte* _slots;
    private readonly long _capacity;
    private readonly long _mask;
    private readonly int _slotSize;
    private readonly long* _writePosition;
    private readonly ParticipantTable _participants;
    private readonly SleepCoordinator _sleepers;
    private readonly uint* _waiters;
    private readonly IDisposable _metrics;
    private readonly ShmPubSubMode _mode;
    private readonly SubscriberTable _subscribers;

    private ShmPubSub(Segment segment)
    {
        _segment = segment;
        SegmentGeometry geometry = segment.Geometry;
        byte* b = segment.Base;
        _capacity = geometry.Capacity;
        _mask = _capacity - 1;
        _slotSize = L.SlotSize(geometry.Element.Size);
        _slots = b + L.SlotsOffset(geometry.Parameter1);
        _writePosition = (long*)(b + L.WritePositionOffset);
        _mode = (ShmPubSubMode)geometry.Parameter2;
        _subscribers = new SubscriberTable(b + L.SubscribersOffset(geometry.Parameter1));
        _waiters = (uint*)(b + L.WaitersOffset);
        uint* publisherWaiters = (uint*)(b + L.PublisherWaitersOffset);
        _participants = new ParticipantTable(b + L.ParticipantsOffset, (int)geometry.Parameter1, segment.Name,
            (long*)(b + L.RetiredCountersOffset), _waiters, publisherWaiters)
        {
            Resolver = new AbandonedClaimResolver(this),
        };
        _sleepers = new SleepCoordinator(_segment, (uint*)(b + L.WakeSequenceOffset), _waiters, (uint*)(b + L.PublisherWakeSequenceOffset),
            publisherWaiters, _participants, () => _participants.ReapDead(_participants.Resolver));
        _participants.ReapDead(_participants.Resolver);
        _metrics = QueueMetrics.Register(segment.Name, ReadMetrics);
    }

    /// <summary>Creates a new ring file; fails with <see cref="IOException"/> if it exists.</summary>
    /// <param name="name">A bare name (placed in <see cref="SegmentOptions.Directory"/>) or an absolute path.</param>
    /// <param name="capacity">Slots; rounded up to a power of two (minimum 2), at most <see cref="MaxCapacity"/>.</param>
    /// <param name="options">File location, permissions and owner checks.</param>
    /// <param name="mode">Overwrite (default: publishing never waits) or Backpressure (registered subscribers lose nothing).</param>
    public static ShmPubSub<T> CreateNew(string name, long capacity, ShmPubSubMode mode = ShmPubSubMode.Overwrite, SegmentOptions? options = null) =>
        Attach(name, Segment.AttachMode.CreateNew, capacity, mode, options);

    /// <summary>Opens an existing ring, reading its geometry from the header.</summary>
    public static ShmPubSub<T> OpenExisting(string name, SegmentOptions? options = null) =>
        new(Segment.Attach(name, Segment.AttachMode.OpenExisting, ShmPubSubLayoutRules<T>.Instance, null, options));

    /// <summary>Opens the ring if it exists (keeping its capacity), otherwise creates it; race-free across processes.</summary>
    public static ShmPubSub<T> CreateOrOpen(string name, long capacity, ShmPubSubMode mode = ShmPubSubMode.Overwrite, SegmentOptions? options = null) =>
        Attach(name, Segment.AttachMode.CreateOrOpen, capacity, mode, options);

    /// <summary>Creates an anonymous ring in a sealed memfd; children inherit <see cref="MemfdDescriptor"/>.</summary>
    public static ShmPubSub<T> CreateMemfd(string debugName, long capacity, ShmPubSubMode mode = ShmPubSubMode.Overwrite)
    {
        long rounded = ThrowHelper.RoundCapacity(capacity, MaxCapacity);
        return new ShmPubSub<T>(Segment.CreateMemfd(debugName, ShmPubSubLayoutRules<T>.Instance, ShmPubSubLayoutRules<T>.Instance.Geometry(rounded, ValidMode(mode))));
    }

    /// <summary>Opens a ring from a descriptor the caller owns; dispose does not close it.</summary>
    public static ShmPubSub<T> OpenDescriptor(int descriptor, SegmentOptions? options = null) =>
        new(Segment.OpenDescriptor(descriptor, ShmPubSubLayoutRules<T>.Instance, options));

    /// <summary>Removes a ring file by name or path; false if it did not exist.</summary>
    public static bool Unlink(string name, SegmentOptions? options = null) => Segment.Unlink(name, options);

    private static ShmPubSub<T> Attach(string name, Segment.AttachMode attach, long capacity, ShmPubSubMode mode, SegmentOptions? options)
    {
        long rounded = ThrowHelper.RoundCapacity(capacity, MaxCapacity);
        return new ShmPubSub<T>(Segment.Attach(name, attach, ShmPubSubLayoutRules<T>.Instance, ShmPubSubLayoutRules<T>.Instance.Geometry(rounded, ValidMode(mode)), options));
    }

    private static ShmPubSubMode ValidMode(ShmPubSubMode mode) =>
        Enum.IsDefined(mode) ? mode : throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode must be Overwrite or Backpressure.");

    /// <summary>The delivery mode chosen when the ring was created.</summary>
    public ShmPubSubMode Mode => _mode;

    /// <summary>The segment's name in messages.</summary>
    public string Name => _segment.Name;

    /// <summary>The backing file's path, or null for a memfd ring.</summary>
    public string? Path => _segment.Path;

    /// <summary>The memfd descriptor of a ring made by <see cref="CreateMemfd"/>, else -1.</summary>
    public int MemfdDescriptor => _segment.Descriptor;

    /// <summary>Slots: how far a subscriber may fall behind before it loses messages.</summary>
    public long Capacity => _capacity;

    /// <summary>The position the next message will be published at (messages ever published, holes included).</summary>
    public long WritePosition
    {
        get
        {
            _segment.ThrowIfUnusable();
            return Volatile.Read(ref *_writePosition);
        }
    }

    /// <summary>
    /// A subscriber that receives messages published from now on. Use it from one thread at a time. In Backpressure
    /// mode it is registered in the segment until disposed, and publishers wait for it.
    /// </summary>
    public ShmSubscriber<T> Subscribe() => new(this, () => WritePosition);

    /// <summary>A subscriber that starts at the oldest message still in the ring (WritePosition − Capacity, or 0).</summary>
    public ShmSubscriber<T> SubscribeFromOldest() => new(this, () => Math.Max(0, WritePosition - _capacity));

    /// <summary>
    /// Publishes a value to every subscriber. Never blocks, never waits for subscribers.
    /// </summary>
    /// <returns>True when written. False in Backpressure mode when the slowest registered subscriber is a full ring
    /// behind (nothing is claimed; try again, or use <see cref="TryPublish"/> to wait). In Overwrite mode, false in the
    /// rare case that the slot a full ring ago is still being written by a slower live publisher: the value is then
    /// dropped (readers see a hole at its position, counted as lost) rather than waiting or overwriting.</returns>
    public bool Publish(T value)
    {
        _segment.ThrowIfUnusable();
        ThreadParticipant me = _participants.Current;
        ref long write = ref *_writePosition;
        long position = Volatile.Read(ref write);
        while (true)
        {
            if (_mode == ShmPubSubMode.Backpressure && !HasRoom(position, 1))
                return false;
            me.Announce((ulong)position | R.ActiveBit);
            // Full fence: our announcement is visible to anyone who sees the write position move.
            long observed = Interlocked.CompareExchange(ref write, position + 1, position);
            if (observed == position)
                break;
            position = observed;
        }
        FaultPoint.Hit(FaultPoints.PubSubPublishClaimed);
        bool written = WriteSlot(me, position, value);
        me.ClearClaim();
        me.Counter(written ? PubSubCounter.Published : PubSubCounter.Dropped)++;
        _sleepers.WakeAfterChange(consumers: true, int.MaxValue);
        return written;
    }

    /// <summary>Publishes values in order, claiming all their positions with one atomic operation. Never blocks.</summary>
    /// <returns>How many were written (the others were dropped, see <see cref="Publish"/>).</returns>
    public int PublishMany(ReadOnlySpan<T> values)
    {
        _segment.ThrowIfUnusable();
        if (values.IsEmpty)
            return 0;
        if (_mode == ShmPubSubMode.Backpressure && values.Length > _capacity)
            throw new ArgumentOutOfRangeException(nameof(values), values.Length, $"A backpressure ring of capacity {_capacity} cannot take a batch larger than its capacity.");
        ThreadParticipant me = _participants.Current;
        ref long write = ref *_writePosition;
        long position = Volatile.Read(ref write);
        while (true)
        {
            if (_mode == ShmPubSubMode.Backpressure && !HasRoom(position, values.Length))
                return 0;
            me.AnnounceBatch((ulong)position | R.ActiveBit, (uint)values.Length);
            long observed = Interlocked.CompareExchange(ref write, position + values.Length, position);
            if (observed == position)
                break;
            position = observed;
        }
        FaultPoint.Hit(FaultPoints.PubSubPublishManyClaimed);
        int written = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (WriteSlot(me, position + i, values[i]))
                written++;
        }
        me.ClearBatchClaim();
        me.Counter(PubSubCounter.Published) += written;
        me.Counter(PubSubCounter.Dropped) += values.Length - written;
        _sleepers.WakeAfterChange(consumers: true, int.MaxValue);
        return written;
    }

    /// <summary>
    /// Publishes a value, waiting up to <paramref name="timeout"/> for room in Backpressure mode (in Overwrite mode it
    /// never waits). <see cref="TimeSpan.Zero"/>: one try; <see cref="Timeout.InfiniteTimeSpan"/>: forever.
    /// </summary>
    /// <returns>False if the slowest registered subscriber stayed a full ring behind for the whole timeout.</returns>
    public bool TryPublish(T value, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowHelper.ValidateTimeout(timeout);
        if (Publish(value) || _mode == ShmPubSubMode.Overwrite)
            return true;
        var attempt = new PublishAttempt(this, value);
        return _sleepers.Wait(this, ref attempt, consumerSide: false, timeout, cancellationToken);
    }

    /// <summary>
    /// Backpressure: whether positions [position, position + count) stay within a ring of the slowest registered
    /// subscriber (the bound is cached: see <see cref="SubscriberTable.HasRoom"/>).
    /// </summary>
    private bool HasRoom(long position, long count) =>
        _subscribers.HasRoom(position + count, Volatile.Read(ref *_writePosition), _capacity);

    /// <summary>A blocked publisher looks for dead subscribers on every wake, and sleeps in short slices meanwhile.</summary>
    bool IWaitTarget.ExamineWhileWaiting(ThreadParticipant me, bool consumerSide)
    {
        _subscribers.ReapAndRefresh(Volatile.Read(ref *_writePosition), _capacity);
        return true;
    }

    internal SubscriberTable Subscribers => _subscribers;

    private readonly struct PublishAttempt(ShmPubSub<T> ring, T value) : IWaitAttempt
    {
        public bool TryOnce() => ring.Publish(value);
    }

    /// <summary>
    /// Moves the slot of <paramref name="position"/> forward to "writing", writes the value and commits it. Only
    /// ever moves a slot forward, so a late publisher cannot overwrite a newer message.
    /// </summary>
    private bool WriteSlot(ThreadParticipant me, long position, T value)
    {
        byte* slot = SlotAt(position);
        ref long sequence = ref *(long*)slot;
        long writing = L.Writing(position);
        while (true)
        {
            long current = Volatile.Read(ref sequence);
            if (current >= writing)
                return false; // a newer lap owns the slot: we are late, drop
            if ((current & 1) != 0 && !TryAbandonDeadWriter(current))
                return false; // an older publisher is still writing it and is alive: never wait, drop
            if ((current & 1) == 0 && Interlocked.CompareExchange(ref sequence, writing, current) == current)
                break;
        }
        FaultPoint.Hit(FaultPoints.PubSubPublishWriting);
        Unsafe.Write(slot + L.SequenceSize, value);
        // Release: publishes the value. Nobody else moves a slot we are writing while we live (a newer publisher
        // drops, a reaper only abandons dead writers' slots), so a plain store is the commit.
        Volatile.Write(ref sequence, L.Committed(position));
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal byte* SlotAt(long position) => _slots + (position & _mask) * _slotSize;

    internal long* WritePositionPointer => _writePosition;

    /// <summary>Whether a live publisher has claimed <paramref name="position"/> (so it may still commit it).</summary>
    internal bool HasLivePublisher(long position) => _participants.HasLiveClaim(position, consumerSide: false);

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

    /// <summary>Removes this ring's file name; open instances keep working. False for memfd rings.</summary>
    public bool Unlink() => _segment.Unlink();

    /// <summary>Unmaps the ring; subscribers of this instance stop working and pending polls fail with <see cref="ObjectDisposedException"/>.</summary>
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

    /// <summary>Published, dropped and abandoned counts over every process that used the ring.</summary>
    public ShmPubSubStats GetStats()
    {
        _segment.ThrowIfUnusable();
        return new ShmPubSubStats(
            Volatile.Read(ref *_writePosition),
            _capacity,
            _participants.SumCounter(PubSubCounter.Published),
            _participants.SumCounter(PubSubCounter.Dropped),
            _participants.SumCounter(PubSubCounter.Abandoned),
            _sleepers.SleepingConsumers);
    }

    private QueueMetricsSnapshot ReadMetrics()
    {
        ShmPubSubStats s = GetStats();
        return new QueueMetricsSnapshot(0, s.Published, 0, s.Dropped, 0, s.Abandoned, s.SleepingSubscribers);
    }
}
