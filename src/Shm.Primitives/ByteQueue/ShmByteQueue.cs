using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Shm.Primitives.ByteQueue;
using Shm.Primitives.Diagnostics;
using Shm.Primitives.Participants;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;
using L = Shm.Primitives.ByteQueue.ShmByteQueueLayout;

namespace Shm.Primitives;

/// <summary>
/// A bounded multi-producer multi-consumer queue of byte messages of any length (empty included) in shared
/// memory, used by any number of processes at once, with deque operations at both ends.
/// </summary>
/// <remarks>
/// <para>Messages live in a circular byte arena, described by a ring of descriptors, both protected by one robust
/// process-shared mutex. Every operation writes payloads and descriptors into free space, commits the new queue
/// state to a journal with one store, then applies it; a process killed anywhere inside is detected by the next
/// locker at once (the kernel reports the dead owner) and the journal completes or discards its operation, so a
/// crash never tears, duplicates or leaks anything; only the message the dead process was taking is lost.</para>
/// <para>Ordering: FIFO at the front (<see cref="TryEnqueue(ReadOnlySpan{byte})"/> / <see cref="TryDequeue(out byte[])"/>);
/// <see cref="TryEnqueueFront(ReadOnlySpan{byte})"/> puts a message back at the head and <see cref="TryDequeueBack(out byte[])"/> takes
/// the newest.</para>
/// </remarks>
/// <example>
/// <code>
/// using var queue = ShmByteQueue.CreateOrOpen("mail", capacity: 1024);
/// queue.TryEnqueue("hello"u8);
/// if (queue.TryDequeueString(out string? text)) Console.WriteLine(text);
/// </code>
/// </example>
public sealed unsafe partial class ShmByteQueue : IDisposable, IWaitTarget
{
    /// <summary>The largest number of messages a queue can hold.</summary>
    public const long MaxCapacity = L.MaxCapacity;

    /// <summary>The largest arena (4 GiB).</summary>
    public const long MaxArenaBytes = L.MaxArenaBytes;

    private readonly Segment _segment;
    private readonly byte* _mutex;
    private readonly long* _state;
    private readonly uint* _journalState;
    private readonly uint* _journalOperation;
    private readonly long* _journal;
    private readonly byte* _descriptors;
    private readonly byte* _arena;
    private readonly long _capacity;
    private readonly long _mask;
    private readonly long _arenaBytes;
    private readonly ParticipantTable _participants;
    private readonly SleepCoordinator _sleepers;
    private readonly IDisposable _metrics;
    private readonly EventFdSlot _eventFdSlot = new();
    private int _maxMessageLength;

    private ShmByteQueue(Segment segment) : this(segment, segment.Geometry, registerMetrics: true)
    {
    }

    private ShmByteQueue(Segment segment, in SegmentGeometry geometry, bool registerMetrics)
    {
        RobustMutex.EnsureSupported();
        _segment = segment;
        byte* b = segment.Base;
        _capacity = geometry.Capacity;
        _mask = _capacity - 1;
        _arenaBytes = geometry.Parameter2;
        _mutex = b + L.MutexOffset;
        _state = (long*)(b + L.HeadPositionOffset);
        _journalState = (uint*)(b + L.JournalStateOffset);
        _journalOperation = (uint*)(b + L.JournalOperationOffset);
        _journal = (long*)(b + L.JournalOffset);
        _descriptors = b + L.DescriptorsOffset(geometry.Parameter1);
        _arena = b + L.ArenaOffset(geometry.Capacity, geometry.Parameter1);
        _maxMessageLength = (int)Math.Min(_arenaBytes, Array.MaxLength);
        uint* consumerWake = (uint*)(b + L.ConsumerWakeSequenceOffset);
        uint* consumerWaiters = (uint*)(b + L.ConsumerWaitersOffset);
        uint* producerWake = (uint*)(b + L.ProducerWakeSequenceOffset);
        uint* producerWaiters = (uint*)(b + L.ProducerWaitersOffset);
        _participants = new ParticipantTable(b + L.ParticipantsOffset, (int)geometry.Parameter1, segment.Name,
            (long*)(b + L.RetiredCountersOffset), consumerWaiters, producerWaiters);
        _sleepers = new SleepCoordinator(_segment, consumerWake, consumerWaiters, producerWake, producerWaiters, _participants,
            () => _participants.ReapDead(null));
        _participants.ReapDead(null);
        _metrics = registerMetrics ? QueueMetrics.Register(segment.Name, ReadMetrics) : QueueMetrics.None;
    }

    /// <summary>Creates a new queue file; fails with <see cref="IOException"/> if it exists.</summary>
    /// <param name="name">A bare name (placed in <see cref="SegmentOptions.Directory"/>) or an absolute path.</param>
    /// <param name="capacity">Messages; rounded up to a power of two (minimum 2), at most <see cref="MaxCapacity"/>.</param>
    /// <param name="arenaBytes">Bytes for message payloads; 0 means capacity × 256. Between 4096 and 4 GiB, rounded up to 8.</param>
    /// <param name="options">File location, permissions and owner checks.</param>
    public static ShmByteQueue CreateNew(string name, long capacity, long arenaBytes = 0, SegmentOptions? options = null) =>
        Attach(name, Segment.AttachMode.CreateNew, capacity, arenaBytes, options);

    /// <summary>Opens an existing queue, reading its geometry from the header (see <see cref="ShmQueue{T}.OpenExisting"/>).</summary>
    public static ShmByteQueue OpenExisting(string name, SegmentOptions? options = null) =>
        new(Segment.Attach(name, Segment.AttachMode.OpenExisting, ShmByteQueueLayoutRules.Instance, null, options));

    /// <summary>Opens the queue if it exists (keeping its stored geometry), otherwise creates it; race-free across processes.</summary>
    public static ShmByteQueue CreateOrOpen(string name, long capacity, long arenaBytes = 0, SegmentOptions? options = null) =>
        Attach(name, Segment.AttachMode.CreateOrOpen, capacity, arenaBytes, options);

    /// <summary>Creates an anonymous queue in a sealed memfd; children inherit <see cref="MemfdDescriptor"/>.</summary>
    public static ShmByteQueue CreateMemfd(string debugName, long capacity, long arenaBytes = 0)
    {
        (long rounded, long arena) = ValidateGeometry(capacity, arenaBytes);
        return new ShmByteQueue(Segment.CreateMemfd(debugName, ShmByteQueueLayoutRules.Instance, ShmByteQueueLayoutRules.Instance.Geometry(rounded, arena)));
    }

    /// <summary>Opens a queue from a descriptor the caller owns (an inherited memfd); dispose does not close it.</summary>
    public static ShmByteQueue OpenDescriptor(int descriptor, SegmentOptions? options = null) =>
        new(Segment.OpenDescriptor(descriptor, ShmByteQueueLayoutRules.Instance, options));

    /// <summary>Removes a queue file by name or path; false if it did not exist.</summary>
    public static bool Unlink(string name, SegmentOptions? options = null) => Segment.Unlink(name, options);

    private static ShmByteQueue Attach(string name, Segment.AttachMode mode, long capacity, long arenaBytes, SegmentOptions? options)
    {
        (long rounded, long arena) = ValidateGeometry(capacity, arenaBytes);
        return new ShmByteQueue(Segment.Attach(name, mode, ShmByteQueueLayoutRules.Instance, ShmByteQueueLayoutRules.Instance.Geometry(rounded, arena), options));
    }

    private static (long Capacity, long ArenaBytes) ValidateGeometry(long capacity, long arenaBytes)
    {
        long rounded = ThrowHelper.RoundCapacity(capacity, MaxCapacity);
        if (arenaBytes == 0)
            arenaBytes = Math.Clamp(rounded * L.DefaultArenaBytesPerMessage, L.MinArenaBytes, L.MaxArenaBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(arenaBytes, L.MinArenaBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(arenaBytes, L.MaxArenaBytes);
        return (rounded, L.AlignMessage(arenaBytes));
    }

    /// <summary>The segment's name in messages: its path, or memfd:/fd: with the name or number.</summary>
    public string Name => _segment.Name;

    /// <summary>The backing file's path, or null for a memfd or descriptor-opened queue.</summary>
    public string? Path => _segment.Path;

    /// <summary>The memfd descriptor of a queue made by <see cref="CreateMemfd"/>, else -1.</summary>
    public int MemfdDescriptor => _segment.Descriptor;

    /// <summary>Most messages the queue holds (a power of two).</summary>
    public long Capacity => _capacity;

    /// <summary>Bytes of the payload arena.</summary>
    public long ArenaCapacity => _arenaBytes;

    /// <summary>Bytes mapped.</summary>
    public long MappedBytes => _segment.Length;

    /// <summary>
    /// The longest message this instance accepts (default: the whole arena). Longer messages are an
    /// <see cref="ArgumentException"/>, never "full". A per-process setting.
    /// </summary>
    public int MaxMessageLength
    {
        get => _maxMessageLength;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Math.Min(_arenaBytes, Array.MaxLength));
            _maxMessageLength = value;
        }
    }

    /// <summary>The eventfd <see cref="Notify"/> signals in this process, or null.</summary>
    public EventFd? EventFd => _eventFdSlot.Current;

    /// <summary>Creates an inheritable eventfd for this instance (disposed with it); see <see cref="ShmQueue{T}.EnableEventFd"/>.</summary>
    public EventFd EnableEventFd()
    {
        ThrowIfUnusable();
        return _eventFdSlot.Enable();
    }

    /// <summary>Uses an existing eventfd; it stays the caller's to dispose.</summary>
    public void AttachEventFd(EventFd eventFd)
    {
        ThrowIfUnusable();
        _eventFdSlot.Attach(eventFd);
    }

    /// <summary>Signals the eventfd (never done implicitly). One system call.</summary>
    /// <exception cref="InvalidOperationException">No eventfd is enabled or attached.</exception>
    public void Notify() => _eventFdSlot.Notify();

    /// <summary>Resets the eventfd's counter and returns what it held (0 if nothing). Never blocks.</summary>
    /// <exception cref="InvalidOperationException">No eventfd is enabled or attached.</exception>
    public ulong ConsumeNotifications() => _eventFdSlot.Consume();

    /// <summary>msync: writes the mapping to its file (only meaningful outside tmpfs).</summary>
    public void Flush() => _segment.Flush();

    /// <summary>Removes this queue's file name; open instances keep working. False for memfd queues.</summary>
    public bool Unlink() => _segment.Unlink();

    /// <summary>Unmaps the queue; pending async operations of this instance fail with <see cref="ObjectDisposedException"/>.</summary>
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

    private void ThrowIfUnusable() => _segment.ThrowIfUnusable();

    private void ThrowIfTooLong(int length)
    {
        if (length > _maxMessageLength)
            throw new ArgumentException($"The message is {length} bytes; ShmByteQueue '{Name}' accepts at most {_maxMessageLength} bytes (arena {_arenaBytes} bytes).", "message");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* DescriptorAt(long position) => _descriptors + (position & _mask) * L.DescriptorSize;

    /// <summary>
    /// Starts loading the lines a take from the front reads first (the head's descriptor and the start of the occupied
    /// arena region) while the lock is being taken: a producer in another process wrote them last, so each is a
    /// cache-line transfer, and as prefetches they overlap the lock's own transfer instead of following it. Racy reads
    /// are fine: a prefetch is only a hint, never faults, and the addresses are kept inside the mapping.
    /// </summary>
    private void PrefetchFront()
    {
        if (!Sse.IsSupported)
            return;
        Sse.Prefetch0(DescriptorAt(Volatile.Read(ref _state[0])));
        long start = Volatile.Read(ref _state[2]);
        if ((ulong)start < (ulong)_arenaBytes)
            Sse.Prefetch0(_arena + start);
    }
}
