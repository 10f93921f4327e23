using System.Buffers;
using System.Text;
using Shm.Primitives.ByteQueue;
using Shm.Primitives.Diagnostics;
using Shm.Primitives.Participants;
using L = Shm.Primitives.ByteQueue.ShmByteQueueLayout;

namespace Shm.Primitives;

// Non-blocking operations. Each takes the mutex once (waiting only for the current holder's short critical
// section), and never calls user code while holding it.
public sealed unsafe partial class ShmByteQueue
{
    private const int Utf8ScratchBytes = 512;

    private enum Outcome
    {
        Done,
        NoRoomOrEmpty,
        DestinationTooSmall,
        LockBusy,
    }

    /// <summary>Adds a message at the back. Never waits for room.</summary>
    /// <returns>False if the queue is full (no free descriptor or no contiguous arena room).</returns>
    /// <exception cref="ArgumentException">The message is longer than <see cref="MaxMessageLength"/>.</exception>
    public bool TryEnqueue(ReadOnlySpan<byte> message) => Enqueue(message, front: false, WaitForLock) == Outcome.Done;

    /// <summary>Adds a string at the back, UTF-8 encoded.</summary>
    public bool TryEnqueue(string message)
    {
        ReadOnlySpan<byte> bytes = EncodeUtf8(message, stackalloc byte[Utf8ScratchBytes], out byte[]? rented);
        try
        {
            return TryEnqueue(bytes);
        }
        finally
        {
            ReturnRented(rented);
        }
    }

    /// <summary>Puts a message at the front (it becomes the next one dequeued), e.g. to requeue a failed job.</summary>
    /// <returns>False if the queue is full.</returns>
    public bool TryEnqueueFront(ReadOnlySpan<byte> message) => Enqueue(message, front: true, WaitForLock) == Outcome.Done;

    /// <summary>Takes the oldest message as a new array; false if the queue is empty.</summary>
    public bool TryDequeue(out byte[] message) => TakeArray(back: false, WaitForLock, out message) == Outcome.Done;

    /// <summary>Takes the newest message (the back) as a new array; false if the queue is empty.</summary>
    public bool TryDequeueBack(out byte[] message) => TakeArray(back: true, WaitForLock, out message) == Outcome.Done;

    /// <summary>Takes the oldest message as UTF-8 text; false if the queue is empty.</summary>
    public bool TryDequeueString(out string? message)
    {
        message = TryDequeue(out byte[] bytes) ? Encoding.UTF8.GetString(bytes) : null;
        return message is not null;
    }

    /// <summary>
    /// Copies the oldest message into <paramref name="destination"/> and removes it, without allocating.
    /// </summary>
    /// <param name="destination">Where the message goes.</param>
    /// <param name="length">The message's length; when the result is false and this exceeds destination.Length,
    /// the destination was too small and the message is still at the front. 0 with false: the queue is empty.</param>
    public bool TryDequeue(Span<byte> destination, out int length) => Dequeue(destination, back: false, WaitForLock, out length) == Outcome.Done;

    /// <summary>As <see cref="TryDequeue(Span{byte}, out int)"/>, taking the newest message.</summary>
    public bool TryDequeueBack(Span<byte> destination, out int length) => Dequeue(destination, back: true, WaitForLock, out length) == Outcome.Done;

    /// <summary>
    /// Writes the oldest message into <paramref name="writer"/> (one GetSpan of its length, one Advance) and removes
    /// it; false if the queue is empty. No allocation; the writer is called without the lock held.
    /// </summary>
    public bool TryDequeue(IBufferWriter<byte> writer) => DequeueInto(writer, WaitForLock) == Outcome.Done;

    /// <summary>
    /// Copies the oldest message as a new array without taking it; false if the queue is empty. For a single consumer
    /// that takes a message only once it has finished with it (a crash in between leaves it at the front).
    /// </summary>
    public bool TryPeek(out byte[] message) => TakeArray(back: false, WaitForLock, out message, peek: true) == Outcome.Done;

    /// <summary>The length of the oldest message, without taking it; false if the queue is empty.</summary>
    public bool TryPeekLength(out int length) => PeekLength(WaitForLock, out length) == Outcome.Done;

    /// <summary>Messages in the queue (exact: read under the lock).</summary>
    public long Count
    {
        get
        {
            EnterLock(WaitForLock);
            try
            {
                return ReadStateLocked().Count;
            }
            finally
            {
                ExitLock();
            }
        }
    }

    /// <summary>Arena bytes occupied by messages (each rounded up to 8) and the gaps wrapping left.</summary>
    public long ArenaUsed
    {
        get
        {
            EnterLock(WaitForLock);
            try
            {
                return ReadStateLocked().ArenaUsed;
            }
            finally
            {
                ExitLock();
            }
        }
    }

    /// <summary>Whether the queue holds no message.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>Removes every message and wakes all blocked producers and consumers so they re-check.</summary>
    public void Clear()
    {
        EnterLock(WaitForLock);
        try
        {
            QueueState state = ReadStateLocked();
            var empty = new QueueState { Head = state.Tail, Tail = state.Tail };
            CommitLocked(empty, Operation.Clear);
        }
        finally
        {
            ExitLock();
        }
        _sleepers.WakeAll(consumers: true, producers: true);
    }

    /// <summary>Adds <paramref name="header"/> followed by <paramref name="message"/> as one message (no copy to join them).</summary>
    private Outcome Enqueue(ReadOnlySpan<byte> message, bool front, long lockDeadline, ReadOnlySpan<byte> header = default)
    {
        int length = header.Length + message.Length;
        ThrowIfTooLong(length);
        ThreadParticipant me = _participants.Current;
        if (LooksFull())
        {
            me.Counter(ByteQueueCounter.Full)++;
            return Outcome.NoRoomOrEmpty;
        }
        if (!EnterLock(lockDeadline))
            return Outcome.LockBusy;
        try
        {
            QueueState state = ReadStateLocked();
            if (state.Count == _capacity || !TryPlace(ref state, length, front, out long offset, out long reserved))
            {
                me.Counter(ByteQueueCounter.Full)++;
                return Outcome.NoRoomOrEmpty;
            }
            header.CopyTo(new Span<byte>(_arena + offset, header.Length));
            message.CopyTo(new Span<byte>(_arena + offset + header.Length, message.Length));
            WriteDescriptorLocked(front ? state.Head : state.Tail - 1, offset, length, reserved);
            CommitLocked(state, front ? Operation.PushFront : Operation.Push);
        }
        finally
        {
            ExitLock();
        }
        me.Counter(ByteQueueCounter.Enqueued)++;
        _sleepers.WakeAfterChange(consumers: true, 1);
        return Outcome.Done;
    }

    private Outcome Dequeue(Span<byte> destination, bool back, long lockDeadline, out int length, bool peek = false)
    {
        ThreadParticipant me = _participants.Current;
        length = 0;
        if (LooksEmpty())
        {
            me.Counter(ByteQueueCounter.Empty)++;
            return Outcome.NoRoomOrEmpty;
        }
        if (!back)
            PrefetchFront();
        if (!EnterLock(lockDeadline))
            return Outcome.LockBusy;
        try
        {
            QueueState state = ReadStateLocked();
            if (state.Count == 0)
            {
                me.Counter(ByteQueueCounter.Empty)++;
                return Outcome.NoRoomOrEmpty;
            }
            ReadDescriptorLocked(back ? state.Tail - 1 : state.Head, state, out long offset, out length, out long reserved);
            if (length > destination.Length)
                return Outcome.DestinationTooSmall;
            new ReadOnlySpan<byte>(_arena + offset, length).CopyTo(destination);
            if (peek)
                return Outcome.Done;
            QueueState next = AfterTake(state, reserved, back);
            CommitLocked(next, back ? Operation.PopBack : Operation.Pop);
        }
        finally
        {
            ExitLock();
        }
        me.Counter(ByteQueueCounter.Dequeued)++;
        _sleepers.WakeAfterChange(consumers: false, 1);
        return Outcome.Done;
    }

    private Outcome PeekLength(long lockDeadline, out int length)
    {
        length = 0;
        if (LooksEmpty())
            return Outcome.NoRoomOrEmpty;
        if (!EnterLock(lockDeadline))
            return Outcome.LockBusy;
        try
        {
            QueueState state = ReadStateLocked();
            if (state.Count == 0)
                return Outcome.NoRoomOrEmpty;
            ReadDescriptorLocked(state.Head, state, out _, out length, out _);
            return Outcome.Done;
        }
        finally
        {
            ExitLock();
        }
    }

    /// <summary>Array-returning take: peek the length, allocate outside the lock, then take (retrying if the front changed).</summary>
    private Outcome TakeArray(bool back, long lockDeadline, out byte[] message, bool peek = false)
    {
        byte[] buffer = [];
        while (true)
        {
            Outcome outcome = Dequeue(buffer, back, lockDeadline, out int length, peek);
            if (outcome == Outcome.Done)
            {
                message = buffer.Length == length ? buffer : buffer[..length];
                return outcome;
            }
            if (outcome != Outcome.DestinationTooSmall)
            {
                message = [];
                return outcome;
            }
            buffer = new byte[length];
        }
    }

    private Outcome DequeueInto(IBufferWriter<byte> writer, long lockDeadline)
    {
        ArgumentNullException.ThrowIfNull(writer);
        while (true)
        {
            Outcome peeked = PeekLength(lockDeadline, out int needed);
            if (peeked != Outcome.Done)
                return peeked;
            Span<byte> span = writer.GetSpan(needed); // user code: outside the lock
            Outcome outcome = Dequeue(span, back: false, lockDeadline, out int length);
            if (outcome == Outcome.Done)
            {
                writer.Advance(length);
                return outcome;
            }
            if (outcome != Outcome.DestinationTooSmall)
                return outcome; // the front was taken meanwhile and the queue is now empty, or the lock is busy
        }
    }

    // Early-outs without the lock. A full (or empty) queue is the common case for a producer (or consumer) that is
    // faster than the other side; taking the lock just to find that out would steal it from the side making
    // progress. The reads are racy on purpose and only ever lead to "try again" (callers that wait retry after the
    // sleeper handshake, which orders them after the other side's change); nothing is accessed through them.
    private bool LooksFull() => Volatile.Read(ref _state[1]) - Volatile.Read(ref _state[0]) >= _capacity;

    private bool LooksEmpty() => Volatile.Read(ref _state[1]) - Volatile.Read(ref _state[0]) <= 0;

    /// <summary>UTF-8 bytes of <paramref name="text"/> in <paramref name="scratch"/> or, when longer, a rented array the caller returns.</summary>
    private static ReadOnlySpan<byte> EncodeUtf8(string text, Span<byte> scratch, out byte[]? rented)
    {
        ArgumentNullException.ThrowIfNull(text);
        rented = null;
        if (Encoding.UTF8.GetMaxByteCount(text.Length) > scratch.Length)
            scratch = rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(text));
        return scratch[..Encoding.UTF8.GetBytes(text, scratch)];
    }

    private static void ReturnRented(byte[]? rented)
    {
        if (rented is not null)
            ArrayPool<byte>.Shared.Return(rented);
    }
}
