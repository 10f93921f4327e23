using System.Runtime.CompilerServices;
using Shm.Primitives.Diagnostics;
using Shm.Primitives.Participants;
using Shm.Primitives.Queue;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;
using L = Shm.Primitives.Queue.ShmQueueLayout;
using R = Shm.Primitives.Participants.ParticipantRecordLayout;

namespace Shm.Primitives;

/// <summary>
/// A bounded, lock-free, multi-producer multi-consumer FIFO queue of unmanaged values in shared memory, usable
/// by any number of threads in any number of processes at once.
/// </summary>
/// <typeparam name="T">Any unmanaged type (long, int, short, a struct of them) up to 64 KiB.</typeparam>
/// <remarks>
/// <para>The algorithm is Vyukov's bounded MPMC queue: every slot carries a sequence number; a producer claims a
/// position with one CAS on the tail, writes the value and publishes it with one store to the slot's sequence
/// (commit last); a consumer does the same on the head. Non-blocking operations make no system call.</para>
/// <para>Crash safety: a process killed between claiming a slot and committing (or releasing) it would wedge
/// a plain Vyukov queue. Every claim is announced in the thread's participant record first, so survivors that
/// find a position stuck for more than <see cref="RecoveryGracePeriod"/> look up who holds it and, once every
/// holder is dead (PID and start time checked, so PID reuse is harmless; a stopped process is alive), repair
/// it: a dead producer's slot becomes a tombstone consumers drop, a dead consumer's slot is released. Only the
/// item the dead process held in flight is lost. Blocked waiters re-check at least every
/// <see cref="RecoveryGracePeriod"/> × 5, so the repair happens within tens of milliseconds.</para>
/// <para>An instance may be used from many threads; <see cref="Dispose"/> must not race with other calls on
/// the same instance.</para>
/// </remarks>
/// <example>
/// <code>
/// // process A
/// using var queue = ShmQueue&lt;long&gt;.CreateOrOpen("jobs", capacity: 1024);
/// queue.Enqueue(42, TimeSpan.FromSeconds(1));
/// // process B
/// using var queue = ShmQueue&lt;long&gt;.OpenExisting("jobs");
/// if (queue.TryDequeue(out long job, TimeSpan.FromSeconds(5))) Console.WriteLine(job);
/// </code>
/// </example>
public sealed unsafe partial class ShmQueue<T> : IDisposable where T : unmanaged
{
    /// <summary>The largest capacity a queue can have (2^31 slots).</summary>
    public const long MaxCapacity = L.MaxCapacity;

    /// <summary>How long a position may stay claimed-but-uncommitted before its holder's liveness is checked.</summary>
    public static TimeSpan RecoveryGracePeriod { get; } = TimeSpan.FromMilliseconds(2);

    private readonly Segment _segment;
    private readonly byte* _slots;
    private readonly long _capacity;
    private readonly long _mask;
    private readonly int _slotSize;
    private readonly long* _tail;
    private readonly long* _head;
    private readonly uint* _consumerWakeSequence;
    private readonly uint* _consumerWaiters;
    private readonly uint* _producerWakeSequence;
    private readonly uint* _producerWaiters;
    private readonly ParticipantTable _participants;
    private readonly SleepCoordinator _sleepers;
    private readonly IDisposable _metrics;
    private readonly bool _ownsSegment;
    private int _hostedDisposed;

    private ShmQueue(Segment segment) : this(segment, segment.Geometry, registerMetrics: true)
    {
    }

    private ShmQueue(Segment segment, in SegmentGeometry geometry, bool registerMetrics, long offset = 0, SleepCoordinator? hostSleepers = null)
    {
        _segment = segment;
        _ownsSegment = hostSleepers is null;
        byte* b = segment.Base + offset;
        _capacity = geometry.Capacity;
        _mask = _capacity - 1;
        _slotSize = L.SlotSize(geometry.Element.Size);
        _slots = b + L.SlotsOffset(geometry.Parameter1);
        _tail = (long*)(b + L.TailPositionOffset);
        _head = (long*)(b + L.HeadPositionOffset);
        // A hosted queue sleeps and wakes on its host's words, so the host's waiters also see this queue's commits.
        _consumerWakeSequence = hostSleepers is null ? (uint*)(b + L.ConsumerWakeSequenceOffset) : hostSleepers.WakeSequenceFor(consumerSide: true);
        _consumerWaiters = hostSleepers is null ? (uint*)(b + L.ConsumerWaitersOffset) : hostSleepers.WaitersFor(consumerSide: true);
        _producerWakeSequence = hostSleepers is null ? (uint*)(b + L.ProducerWakeSequenceOffset) : hostSleepers.WakeSequenceFor(consumerSide: false);
        _producerWaiters = hostSleepers is null ? (uint*)(b + L.ProducerWaitersOffset) : hostSleepers.WaitersFor(consumerSide: false);
        _participants = new ParticipantTable(b + L.ParticipantsOffset, (int)geometry.Parameter1, segment.Name,
            (long*)(b + L.RetiredCountersOffset), _consumerWaiters, _producerWaiters)
        {
            Resolver = new DeadClaimResolver(this),
        };
        _sleepers = hostSleepers ?? new SleepCoordinator(_segment, _consumerWakeSequence, _consumerWaiters, _producerWakeSequence, _producerWaiters,
            _participants, () => ReapDeadParticipants());
        _metrics = registerMetrics ? QueueMetrics.Register(segment.Name, ReadMetrics) : QueueMetrics.None;
        // Free what dead processes left behind (records, sleeper counts) before we add our own.
        ReapDeadParticipants(force: true);
    }

    /// <summary>
    /// Creates a new queue file. Fails with <see cref="IOException"/> if it already exists.
    /// </summary>
    /// <param name="name">A bare name (placed in <see cref="SegmentOptions.Directory"/>, /dev/shm by default) or an absolute path.</param>
    /// <param name="capacity">Slots; rounded up to a power of two (minimum 2), at most <see cref="MaxCapacity"/>.</param>
    /// <param name="options">File location, permissions and owner checks; <see cref="SegmentOptions.Default"/> if null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is below 1 or above <see cref="MaxCapacity"/>.</exception>
    public static ShmQueue<T> CreateNew(string name, long capacity, SegmentOptions? options = null) =>
        Attach(name, Segment.AttachMode.CreateNew, capacity, options);

    /// <summary>
    /// Opens an existing queue, reading its geometry from the header. Fails with a message naming the difference
    /// if the file is not a queue of <typeparamref name="T"/>, is truncated or corrupt; with
    /// <see cref="FileNotFoundException"/> if it does not exist. Also opens /proc/&lt;pid&gt;/fd/&lt;n&gt; paths.
    /// </summary>
    public static ShmQueue<T> OpenExisting(string name, SegmentOptions? options = null) =>
        new(Segment.Attach(name, Segment.AttachMode.OpenExisting, ShmQueueLayoutRules<T>.Instance, null, options));

    /// <summary>
    /// Opens the queue if it exists (keeping its stored capacity), otherwise creates it. Safe to call from many
    /// processes at once: exactly one creates, all agree on the geometry.
    /// </summary>
    public static ShmQueue<T> CreateOrOpen(string name, long capacity, SegmentOptions? options = null) =>
        Attach(name, Segment.AttachMode.CreateOrOpen, capacity, options);

    /// <summary>
    /// Creates an anonymous queue in a sealed memfd. Child processes started afterwards inherit
    /// <see cref="MemfdDescriptor"/> (open it there with <see cref="OpenDescriptor"/>); other processes of the
    /// same user can open "/proc/&lt;pid&gt;/fd/&lt;n&gt;" with <see cref="OpenExisting"/>.
    /// </summary>
    public static ShmQueue<T> CreateMemfd(string debugName, long capacity)
    {
        long rounded = ThrowHelper.RoundCapacity(capacity, MaxCapacity);
        ShmQueueLayoutRules<T> rules = ShmQueueLayoutRules<T>.Instance;
        return new ShmQueue<T>(Segment.CreateMemfd(debugName, rules, rules.Geometry(rounded)));
    }

    /// <summary>Opens a queue from a descriptor (an inherited memfd). The descriptor remains the caller's; dispose does not close it.</summary>
    public static ShmQueue<T> OpenDescriptor(int descriptor, SegmentOptions? options = null) =>
        new(Segment.OpenDescriptor(descriptor, ShmQueueLayoutRules<T>.Instance, options));

    private static ShmQueue<T> Attach(string name, Segment.AttachMode mode, long capacity, SegmentOptions? options)
    {
        long rounded = ThrowHelper.RoundCapacity(capacity, MaxCapacity);
        ShmQueueLayoutRules<T> rules = ShmQueueLayoutRules<T>.Instance;
        return new ShmQueue<T>(Segment.Attach(name, mode, rules, rules.Geometry(rounded), options));
    }

    /// <summary>Removes a queue file by name or path. Processes that have it open keep working. False if it did not exist.</summary>
    public static bool Unlink(string name, SegmentOptions? options = null) => Segment.Unlink(name, options);

    /// <summary>The segment's name in messages: its path, or memfd:/fd: with the name or number.</summary>
    public string Name => _segment.Name;

    /// <summary>The backing file's path, or null for a memfd or descriptor-opened queue.</summary>
    public string? Path => _segment.Path;

    /// <summary>The memfd descriptor of a queue made by <see cref="CreateMemfd"/> (inheritable by children), else -1.</summary>
    public int MemfdDescriptor => _segment.Descriptor;

    /// <summary>Number of slots (a power of two).</summary>
    public long Capacity => _capacity;

    /// <summary>Bytes mapped.</summary>
    public long MappedBytes => _segment.Length;

    /// <summary>
    /// Items committed and not yet consumed, a snapshot: between 0 and <see cref="Capacity"/> even while other
    /// processes race (claimed-but-uncommitted positions count as items).
    /// </summary>
    public long Count
    {
        get
        {
            ThrowIfUnusable();
            // Head first: it only grows, so tail read afterwards is at least as new.
            long head = Volatile.Read(ref *_head);
            long tail = Volatile.Read(ref *_tail);
            return Math.Clamp(tail - head, 0, _capacity);
        }
    }

    /// <summary>Whether <see cref="Count"/> is 0 (a snapshot).</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>Whether <see cref="Count"/> equals <see cref="Capacity"/> (a snapshot).</summary>
    public bool IsFull => Count == _capacity;

    /// <summary>Adds an item if a slot is free. Never blocks, never makes a system call unless a consumer sleeps.</summary>
    /// <returns>False if the queue is full.</returns>
    public bool TryEnqueue(T item) => TryEnqueue(new ItemWriter(item));

    /// <summary>TryEnqueue whose value <paramref name="writer"/> writes in place (only the bytes it needs), between claim and commit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool TryEnqueue<TWriter>(in TWriter writer) where TWriter : struct, ISlotWriter<T>, allows ref struct
    {
        _segment.ThrowIfUnusable();
        ThreadParticipant me = _participants.Current;
        ref long tail = ref *_tail;
        long position = Volatile.Read(ref tail);
        while (true)
        {
            byte* slot = SlotAt(position);
            // Acquire: pairs with the consumer's release of this slot one lap ago (position), so its read of
            // the old value is done before we overwrite it.
            long sequence = Volatile.Read(ref *(long*)slot);
            // Unmarked: the previous lap's tombstone reads as "not yet released" (full), see ShmQueueLayout.Unmarked.
            long difference = L.Unmarked(sequence) - position;
            if (difference == 0)
            {
                me.Announce((ulong)position | R.ActiveBit);
                // Full fence: the announcement above is visible to anyone who sees the tail move.
                long observed = Interlocked.CompareExchange(ref tail, position + 1, position);
                if (observed == position)
                {
                    FaultPoint.Hit(FaultPoints.QueuePushClaimed);
                    writer.WriteTo(ref Unsafe.AsRef<T>(slot + L.SequenceSize));
                    // Release: publishes the value. Pairs with the consumer's acquire of the sequence. Death
                    // before this store leaves Sequence == position behind a tail that moved: Recovery's case.
                    Volatile.Write(ref *(long*)slot, position + 1);
                    me.ClearClaim();
                    me.Counter(QueueCounter.Enqueued)++;
                    WakeConsumersAfterCommit(1);
                    return true;
                }
                position = observed;
            }
            else if (difference < 0)
            {
                me.ClearClaim();
                me.Counter(QueueCounter.Full)++;
                OnEnqueueFoundFull(me, position);
                return false;
            }
            else
            {
                position = RereadOvertaken(ref tail, position, "TailPosition");
            }
        }
    }

    /// <summary>Takes the oldest item if there is one. Never blocks, never makes a system call unless a producer sleeps.</summary>
    /// <returns>False if the queue is empty (or its oldest item is still being written).</returns>
    public bool TryDequeue(out T item)
    {
        NoGate gate = default;
        return TryDequeue(ref gate, out item);
    }

    /// <summary>
    /// TryDequeue that shows the item to <paramref name="gate"/> after reading it and before releasing its slot: a
    /// process killed before the release leaves a claim that recovery resolves (<see cref="LostToDeadConsumer"/>),
    /// so whatever the gate records about the item cannot be lost silently. False if the queue is empty or the gate
    /// refused the front item (<see cref="IDequeueGate{T}.Admits"/>; it stays queued).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool TryDequeue<TGate>(ref TGate gate, out T item) where TGate : struct, IDequeueGate<T>, allows ref struct
    {
        _segment.ThrowIfUnusable();
        ThreadParticipant me = _participants.Current;
        ref long head = ref *_head;
        long position = Volatile.Read(ref head);
        while (true)
        {
            byte* slot = SlotAt(position);
            // Acquire: pairs with the producer's release in TryEnqueue; seeing position + 1 means the value is there.
            long sequence = Volatile.Read(ref *(long*)slot);
            long difference = L.Unmarked(sequence) - (position + 1);
            if (difference == 0)
            {
                if (sequence >= 0 && !gate.Admits(in Unsafe.AsRef<T>(slot + L.SequenceSize)))
                {
                    // The look must be done before the re-check: an unchanged front means the refusal saw the item whole.
                    Interlocked.MemoryBarrier();
                    if (Volatile.Read(ref head) == position && Volatile.Read(ref *(long*)slot) == sequence)
                    {
                        item = default;
                        return false;
                    }
                    position = Volatile.Read(ref head);
                    continue;
                }
                me.Announce((ulong)position | R.ActiveBit | R.ConsumerBit);
                long observed = Interlocked.CompareExchange(ref head, position + 1, position);
                if (observed == position)
                {
                    FaultPoint.Hit(FaultPoints.QueuePopClaimed);
                    if (sequence < 0)
                    {
                        // A tombstone Recovery left for a dead producer: release the slot and look further.
                        Volatile.Write(ref *(long*)slot, position + _capacity);
                        me.ClearClaim();
                        WakeProducersAfterRelease(1);
                        position++;
                        continue;
                    }
                    item = gate.CopiesItem ? Unsafe.Read<T>(slot + L.SequenceSize) : default;
                    bool counted = gate.OnTaken(in Unsafe.AsRef<T>(slot + L.SequenceSize));
                    // Release: our read of the value happens before the producer of the next lap may write it.
                    // Death before this store leaves the slot committed behind a head that moved: Recovery's case.
                    Volatile.Write(ref *(long*)slot, position + _capacity);
                    me.ClearClaim();
                    if (counted)
                        me.Counter(QueueCounter.Dequeued)++;
                    WakeProducersAfterRelease(1);
                    return true;
                }
                position = observed;
            }
            else if (difference < 0)
            {
                me.ClearClaim();
                me.Counter(QueueCounter.Empty)++;
                OnDequeueFoundEmpty(me, position);
                item = default;
                return false;
            }
            else
            {
                position = RereadOvertaken(ref head, position, "HeadPosition");
            }
        }
    }

    /// <summary>
    /// Reads the oldest item without removing it. Racy by nature with other consumers (the item may be gone
    /// right after), but never torn: the value is re-validated against the slot's sequence after the copy.
    /// </summary>
    public bool TryPeek(out T item)
    {
        ThrowIfUnusable();
        while (true)
        {
            long position = Volatile.Read(ref *_head);
            byte* slot = SlotAt(position);
            long sequence = Volatile.Read(ref *(long*)slot);
            if (sequence == position + 1)
            {
                item = Unsafe.Read<T>(slot + L.SequenceSize);
                // The copy must complete before the re-check: a consumer plus a next-lap producer may rewrite the
                // value meanwhile, and would have changed the sequence.
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref *(long*)slot) == sequence)
                    return true;
                continue;
            }
            if (L.Unmarked(sequence) == position + 1)
            {
                DropTombstoneAt(position);
                continue;
            }
            if (L.Unmarked(sequence) - (position + 1) < 0)
            {
                item = default;
                return false;
            }
            RereadOvertaken(ref *_head, position, "HeadPosition"); // overtaken: the head must have moved
        }
    }

    /// <summary>msync: writes the mapping to its file (only meaningful outside tmpfs).</summary>
    public void Flush() => _segment.Flush();

    /// <summary>Removes this queue's file name; it lives on for processes that have it open. False for memfd queues.</summary>
    public bool Unlink() => _segment.Unlink();

    /// <summary>
    /// Unmaps the queue and frees this instance's participant records. Pending async operations of this instance
    /// fail with <see cref="ObjectDisposedException"/>. A descriptor passed to <see cref="OpenDescriptor"/> stays open.
    /// </summary>
    public void Dispose()
    {
        if (_segment.IsDisposed || (!_ownsSegment && Interlocked.Exchange(ref _hostedDisposed, 1) != 0))
            return;
        _metrics.Dispose();
        CancelAsyncWaiters();
        DetachEventFd();
        _participants.ReleaseAll();
        if (_ownsSegment)
            _segment.Dispose();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* SlotAt(long position) => _slots + (position & _mask) * _slotSize;

    private void ThrowIfUnusable() => _segment.ThrowIfUnusable();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WakeConsumersAfterCommit(int count)
    {
        // Our commit store must be ordered before the read of the waiter count. Pairs with the sleeper's
        // registration (Interlocked.Increment of ConsumerWaiters, AsymmetricFence.Heavy, re-check): either it sees
        // our commit, or we see it registered and wake it. Light() is a compiler barrier while the sleeper's
        // membarrier drains our store buffer, and a full fence where membarrier is unavailable.
        AsymmetricFence.Light();
        if (Volatile.Read(ref *_consumerWaiters) != 0)
            _sleepers.WakeSleepers(consumers: true, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WakeProducersAfterRelease(int count)
    {
        AsymmetricFence.Light(); // as in WakeConsumersAfterCommit, for producers waiting on a full queue
        if (Volatile.Read(ref *_producerWaiters) != 0)
            _sleepers.WakeSleepers(consumers: false, count);
    }

    /// <summary>The gate of the public TryDequeue: sees nothing (the JIT removes the call).</summary>
    private struct NoGate : IDequeueGate<T>
    {
        public readonly bool CopiesItem => true;

        public readonly bool Admits(in T item) => true;

        public readonly bool OnTaken(in T item) => true;
    }

    /// <summary>The writer of the public TryEnqueue: the whole item.</summary>
    private readonly struct ItemWriter(T item) : ISlotWriter<T>
    {
        public void WriteTo(ref T slot) => slot = item;
    }
}
