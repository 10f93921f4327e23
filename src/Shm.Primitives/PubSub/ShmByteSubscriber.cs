using System.Buffers;
using Shm.Primitives.Participants;
using Shm.Primitives.PubSub;
using Shm.Primitives.Threading;
using L = Shm.Primitives.PubSub.ShmBytePubSubLayout;

namespace Shm.Primitives;

/// <summary>
/// One reader of a <see cref="ShmBytePubSub"/>: a cursor in this process; it takes no lock and never affects
/// publishers. Use an instance from one thread at a time.
/// </summary>
/// <remarks>
/// Loss is never silent: being lapped (more than Capacity behind) moves the cursor to the oldest message still
/// present; a slot overwritten while being read, or holding a length no publisher writes, is skipped. Both are
/// reported by the read that crosses the gap (<c>lost</c>) and totalled in <see cref="OverflowCount"/> and
/// <see cref="SkippedCount"/>.
/// </remarks>
public sealed unsafe class ShmByteSubscriber : IWaitTarget, IDisposable
{
    private readonly ShmBytePubSub _ring;
    private long _cursor;

    private readonly SubscriberRegistration? _registration; // Backpressure mode only

    internal ShmByteSubscriber(ShmBytePubSub ring, Func<long> start)
    {
        _ring = ring;
        _registration = SubscriberRegistration.Start(ring.Mode, ring.Subscribers, ring.Sleepers, start, ring.Name, out _cursor);
    }

    /// <summary>Unregisters a Backpressure-mode subscriber so publishers stop waiting for it. Overwrite mode: nothing to release.</summary>
    public void Dispose() => _registration?.Dispose();

    private void PublishCursor() => _registration?.Publish(_cursor);

    /// <summary>The position of the next message this subscriber reads. Setting it seeks (0 or more).</summary>
    public long Cursor
    {
        get => _cursor;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _cursor = value;
            PublishCursor();
        }
    }

    /// <summary>Messages published but not yet read by this subscriber.</summary>
    public long Lag => Math.Max(0, _ring.WritePosition - _cursor);

    /// <summary>Messages lost by being lapped.</summary>
    public long OverflowCount { get; private set; }

    /// <summary>Slots skipped: overwritten while being read, or holding a corrupt length.</summary>
    public long SkippedCount { get; private set; }

    /// <summary>Skips everything published so far.</summary>
    public void ResetToLatest() => _cursor = _ring.WritePosition;

    /// <summary>Moves back to the oldest message still in the ring.</summary>
    public void ResetToOldest() => _cursor = Math.Max(0, _ring.WritePosition - _ring.Capacity);

    /// <summary>
    /// Copies the next message into <paramref name="destination"/>. False when there is none (length 0) or when the
    /// destination is too small (length = the message's length; the cursor stays on it).
    /// </summary>
    public bool TryPoll(Span<byte> destination, out int length, out long lost)
    {
        lost = 0;
        while (true)
        {
            ReadResult result = TryRead(destination, out length, ref lost);
            if (result != ReadResult.Retry)
                return result == ReadResult.Done;
        }
    }

    /// <summary>Writes the next message into <paramref name="writer"/> (one GetSpan, one Advance); false if there is none.</summary>
    public bool TryPoll(IBufferWriter<byte> writer, out long lost)
    {
        ArgumentNullException.ThrowIfNull(writer);
        lost = 0;
        Span<byte> span = writer.GetSpan(_ring.MaxMessageBytes); // no lock is held, so calling the writer is safe
        while (true)
        {
            ReadResult result = TryRead(span, out int length, ref lost);
            if (result == ReadResult.Done)
            {
                writer.Advance(length);
                return true;
            }
            if (result == ReadResult.Empty)
                return false;
        }
    }

    /// <summary>Reads the next message as a new array; false if there is none.</summary>
    public bool TryPoll(out byte[] message) => TryPoll(out message, out _);

    /// <summary>Reads the next message as a new array, reporting how many were lost just before it.</summary>
    public bool TryPoll(out byte[] message, out long lost)
    {
        var buffer = new ArrayBufferWriter<byte>(_ring.MaxMessageBytes);
        bool got = TryPoll(buffer, out lost);
        message = got ? buffer.WrittenSpan.ToArray() : [];
        return got;
    }

    /// <summary>
    /// Reads the messages there are now while they fit: each is copied into <paramref name="buffer"/> after the previous
    /// one and its length stored in <paramref name="lengths"/>. Never blocks.
    /// </summary>
    /// <returns>How many were read (0 if none, or if the next one is longer than the buffer).</returns>
    public int PollMany(Span<byte> buffer, Span<int> lengths, out long lost)
    {
        lost = 0;
        int count = 0, used = 0;
        while (count < lengths.Length && TryPoll(buffer[used..], out int length, out long lostHere))
        {
            lost += lostHere;
            lengths[count++] = length;
            used += length;
        }
        return count;
    }

    /// <summary>Reads every message there is now.</summary>
    public IReadOnlyList<byte[]> Drain()
    {
        var drained = new List<byte[]>();
        while (TryPoll(out byte[] message))
            drained.Add(message);
        return drained;
    }

    /// <summary>Reads the next message, waiting up to <paramref name="timeout"/>; false at timeout.</summary>
    public bool TryPoll(out byte[] message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowHelper.ValidateTimeout(timeout);
        if (TryPoll(out message))
            return true;
        var attempt = new PollAttempt(this);
        bool got = _ring.Sleepers.Wait(this, ref attempt, consumerSide: true, timeout, cancellationToken);
        message = attempt.Message;
        return got;
    }

    /// <summary>Reads the next message, waiting asynchronously (no thread held).</summary>
    public ValueTask<byte[]> PollAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<byte[]>(cancellationToken);
        if (TryPoll(out byte[] message))
            return new ValueTask<byte[]>(message);
        _ring.ThrowIfUnusable();
        var operation = new PollOperation(this, cancellationToken);
        operation.Start();
        return new ValueTask<byte[]>(operation, operation.Version);
    }

    /// <summary>Yields messages as they are published, until the token is cancelled or the ring disposed.</summary>
    public IAsyncEnumerable<byte[]> ReadAllAsync(CancellationToken cancellationToken = default) =>
        AsyncForms.ReadAll(PollAsync, cancellationToken);

    private enum ReadResult
    {
        Done,
        Empty,
        TooSmall,
        Retry,
    }

    private ReadResult TryRead(Span<byte> destination, out int length, ref long lost)
    {
        _ring.ThrowIfUnusable();
        length = 0;
        long position = _cursor;
        byte* slot = _ring.SlotAt(position);
        long committed = 2 * position + 2;
        // The slot first: a committed one is readable (its publisher advances the write position over it, or the next
        // lock holder does if it died), so the write position, a line the publisher writes on every publish, is read
        // only when this slot holds no message for this position.
        long before = Volatile.Read(ref *(long*)slot); // acquire: pairs with the publisher's release of the sequence
        if (before != committed)
            return NotCommitted(position, slot, committed, ref lost);
        int stored = Volatile.Read(ref *(int*)(slot + L.LengthOffset));
        if ((uint)stored > (uint)_ring.MaxMessageBytes)
            return Skip(ref lost); // a length no publisher writes: never copy by it
        if (stored > destination.Length)
        {
            length = stored;
            return ReadResult.TooSmall;
        }
        new ReadOnlySpan<byte>(slot + L.SlotHeaderSize, stored).CopyTo(destination);
        // The copy must finish before the sequence is read again: a publisher may be overwriting the slot.
        Volatile.ReadBarrier();
        if (Volatile.Read(ref *(long*)slot) != committed)
            return Skip(ref lost); // overwritten by a newer lap during the copy
        length = stored;
        _cursor = position + 1;
        PublishCursor();
        return ReadResult.Done;
    }

    /// <summary>The slot at the cursor holds no message for its position: nothing published yet, lapped, or a hole.</summary>
    private ReadResult NotCommitted(long position, byte* slot, long committed, ref long lost)
    {
        long write = Volatile.Read(ref *_ring.WritePositionPointer);
        if (position >= write)
            return ReadResult.Empty;
        // The slot may have been committed after it was read and before the write position was (the publisher commits
        // the slot, then advances over it): look again, now that the acquire of the write position orders it.
        if (Volatile.Read(ref *(long*)slot) == committed)
            return ReadResult.Retry;
        long capacity = _ring.Capacity;
        if (write - position > capacity)
        {
            long oldest = write - capacity;
            lost += oldest - position;
            OverflowCount += oldest - position;
            _cursor = oldest;
            return ReadResult.Retry;
        }
        // Below the write position yet not committed: overwritten by a newer lap, or a sequence no publisher writes.
        return Skip(ref lost);
    }

    private ReadResult Skip(ref long lost)
    {
        lost++;
        SkippedCount++;
        _cursor++;
        return ReadResult.Retry;
    }

    bool IWaitTarget.ExamineWhileWaiting(ThreadParticipant me, bool consumerSide) => false; // publishes are committed under the lock: no holes

    private struct PollAttempt(ShmByteSubscriber subscriber) : IWaitAttempt
    {
        public byte[] Message = [];

        public bool TryOnce() => subscriber.TryPoll(out Message);
    }

    private sealed class PollOperation(ShmByteSubscriber subscriber, CancellationToken cancellationToken)
        : SleeperAsyncOperation<byte[]>(subscriber._ring, subscriber._ring.Sleepers, subscriber, consumerSide: true, cancellationToken)
    {
        protected override bool TryOnce(out byte[] result) => subscriber.TryPoll(out result);
    }
}
