using System.Diagnostics;
using Shm.Primitives.Participants;
using Shm.Primitives.PubSub;
using Shm.Primitives.Threading;
using L = Shm.Primitives.PubSub.ShmPubSubLayout;

namespace Shm.Primitives;

/// <summary>
/// One reader of a <see cref="ShmPubSub{T}"/>: a cursor in this process over the shared ring. Reading never
/// affects publishers or other subscribers. Use an instance from one thread at a time.
/// </summary>
/// <remarks>
/// Loss is never silent: when the subscriber has been lapped (more than Capacity behind) it jumps to the oldest
/// message still present, and when a publisher died (or stalled) between claiming a position and committing it,
/// the position is skipped after <see cref="ShmPubSub{T}.HoleGracePeriod"/>. Both are reported by the read that
/// crosses the gap (the <c>lost</c> result) and totalled in <see cref="OverflowCount"/> and <see cref="SkippedCount"/>.
/// </remarks>
public sealed unsafe class ShmSubscriber<T> : IWaitTarget, IDisposable where T : unmanaged
{
    private static readonly long s_holeGraceTicks = (long)(ShmPubSub<T>.HoleGracePeriod.TotalSeconds * Stopwatch.Frequency);
    private static readonly long s_stalledTicks = (long)(ShmPubSub<T>.StalledPublisherTimeout.TotalSeconds * Stopwatch.Frequency);
    private readonly ShmPubSub<T> _ring;
    private long _cursor;
    private long _holePosition = -1;
    private long _holeSince;
    private long _holeChecked;
    private long _deadHoleEnd = -1; // the position after the last hole skipped because its publisher was dead

    private readonly SubscriberRegistration? _registration; // Backpressure mode only

    internal ShmSubscriber(ShmPubSub<T> ring, Func<long> start)
    {
        _ring = ring;
        _registration = SubscriberRegistration.Start(ring.Mode, ring.Subscribers, ring.Sleepers, start, ring.Name, out _cursor);
    }

    /// <summary>Unregisters a Backpressure-mode subscriber so publishers stop waiting for it. Overwrite mode: nothing to release.</summary>
    public void Dispose() => _registration?.Dispose();

    private void PublishCursor() => _registration?.Publish(_cursor);

    /// <summary>The position of the next message this subscriber reads. Setting it seeks (must be 0 or more).</summary>
    public long Cursor
    {
        get => _cursor;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _cursor = value;
            _holePosition = -1;
            PublishCursor();
        }
    }

    /// <summary>The ring's current write position.</summary>
    public long WritePosition => _ring.WritePosition;

    /// <summary>Messages published but not yet read by this subscriber (0 when caught up).</summary>
    public long Lag => Math.Max(0, WritePosition - _cursor);

    /// <summary>Messages this subscriber lost by being lapped (overwritten before it read them).</summary>
    public long OverflowCount { get; private set; }

    /// <summary>Positions this subscriber skipped because their publisher never committed them (it died or stalled).</summary>
    public long SkippedCount { get; private set; }

    /// <summary>Skips everything published so far: the next read waits for a new message.</summary>
    public void ResetToLatest() => Cursor = WritePosition;

    /// <summary>Moves back to the oldest message still in the ring.</summary>
    public void ResetToOldest() => Cursor = Math.Max(0, WritePosition - _ring.Capacity);

    /// <summary>Reads the next message if one is there. Never blocks.</summary>
    public bool TryPoll(out T value) => TryPoll(out value, out _);

    /// <summary>
    /// Reads the next message if one is there. <paramref name="lost"/> is how many messages were lost just before
    /// it (lapped or skipped holes), 0 normally; it can be non-zero when the result is false too.
    /// </summary>
    public bool TryPoll(out T value, out long lost)
    {
        _ring.ThrowIfUnusable();
        lost = 0;
        long capacity = _ring.Capacity;
        while (true)
        {
            long position = _cursor;
            long write = Volatile.Read(ref *_ring.WritePositionPointer);
            if (position >= write)
            {
                value = default;
                return false;
            }
            if (write - position > capacity)
            {
                long oldest = write - capacity;
                lost += oldest - position;
                OverflowCount += oldest - position;
                _cursor = position = oldest;
            }

            byte* slot = _ring.SlotAt(position);
            long* sequence = (long*)slot;
            long committed = L.Committed(position);
            // Acquire: pairs with the publisher's release of the committed sequence.
            long before = Volatile.Read(ref *sequence);
            if (before == committed)
            {
                value = System.Runtime.CompilerServices.Unsafe.Read<T>(slot + L.SequenceSize);
                // The value reads must complete before the second sequence read: a newer publisher may be rewriting
                // the slot, and then the sequence has moved.
                Volatile.ReadBarrier();
                if (Volatile.Read(ref *sequence) == committed)
                {
                    _cursor = position + 1;
                    PublishCursor();
                    return true;
                }
                continue; // lapped while reading: re-evaluate against the new write position
            }
            if (before > committed)
                continue; // a newer lap already wrote this slot: the write position says how far we were lapped

            // Claimed but not committed (or abandoned): wait for it a little, then skip it as a hole. Abandonment is
            // certain on sight except at position 0, whose Abandoned value (0) is also "never written": a publisher
            // that claimed position 0 of a fresh ring and has not yet moved the slot to "writing" (its first publish,
            // still JIT-compiling, or descheduled) must get the grace period like any other claim in flight.
            if (before != L.Abandoned(position) || position == 0)
            {
                if (!ShouldSkipHole(position))
                {
                    value = default;
                    return false;
                }
                // ShouldSkipHole's liveness scan ran after our read of the sequence. A publisher that committed and
                // then cleared its claim between the two looks like a hole no live publisher holds: skipping it would
                // lose a delivered message. Its commit is ordered before its claim cleared, so it is visible now.
                if (Volatile.Read(ref *sequence) != before)
                    continue;
            }
            lost++;
            SkippedCount++;
            _cursor = position + 1;
            _holePosition = -1;
        }
    }

    /// <summary>Reads up to <paramref name="destination"/>.Length messages that are there now. Never blocks.</summary>
    public int PollMany(Span<T> destination) => PollMany(destination, out _);

    /// <summary>As <see cref="PollMany(Span{T})"/>, also reporting how many were lost along the way.</summary>
    public int PollMany(Span<T> destination, out long lost)
    {
        lost = 0;
        int count = 0;
        while (count < destination.Length && TryPoll(out destination[count], out long lostHere))
        {
            lost += lostHere;
            count++;
        }
        return count;
    }

    /// <summary>Reads everything there is now.</summary>
    public T[] Drain()
    {
        var drained = new List<T>();
        while (TryPoll(out T value))
            drained.Add(value);
        return [.. drained];
    }

    /// <summary>
    /// Reads the next message, waiting up to <paramref name="timeout"/> (<see cref="TimeSpan.Zero"/>: one try;
    /// <see cref="Timeout.InfiniteTimeSpan"/>: forever). Sleeps on a futex; publishers wake it only when registered.
    /// </summary>
    /// <returns>False at timeout.</returns>
    public bool TryPoll(out T value, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowHelper.ValidateTimeout(timeout);
        if (TryPoll(out value))
            return true;
        var attempt = new PollAttempt(this);
        bool got = _ring.Sleepers.Wait(this, ref attempt, consumerSide: true, timeout, cancellationToken);
        value = attempt.Value;
        return got;
    }

    /// <summary>Reads the next message, waiting up to <paramref name="timeout"/>; throws <see cref="TimeoutException"/>.</summary>
    public T Poll(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        TryPoll(out T value, timeout, cancellationToken) ? value : throw new TimeoutException($"No message on '{_ring.Name}' for {timeout}.");

    /// <summary>Reads the next message, waiting asynchronously (no thread held).</summary>
    public ValueTask<T> PollAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<T>(cancellationToken);
        if (TryPoll(out T value))
            return new ValueTask<T>(value);
        _ring.ThrowIfUnusable();
        var operation = new SubscriberPollOperation(this, cancellationToken);
        operation.Start();
        return new ValueTask<T>(operation, operation.Version);
    }

    /// <summary>Yields messages as they are published, until the token is cancelled or the ring disposed.</summary>
    public IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default) =>
        AsyncForms.ReadAll(PollAsync, cancellationToken);

    /// <summary>
    /// A position is claimed but not committed. Normal for nanoseconds (a publisher between its claim and its
    /// commit); after the grace period, skip it if no live publisher holds it (dead, or it dropped its message),
    /// and skip it anyway after the stall timeout (a stopped publisher must not stall readers forever).
    /// </summary>
    private bool ShouldSkipHole(long position)
    {
        long now = Stopwatch.GetTimestamp();
        if (_holePosition != position)
        {
            _holePosition = position;
            _holeSince = now;
            _holeChecked = now;
            // The position right after a hole a dead publisher left is most likely the rest of its batch claim
            // (PublishMany takes a run of positions): ask at once instead of waiting a grace period per position,
            // which made a dead batch of 8 cost 8 grace periods. The liveness scan decides, as after the grace period.
            if (position != _deadHoleEnd || _ring.HasLivePublisher(position))
                return false;
            _deadHoleEnd = position + 1;
            return true;
        }
        if (now - _holeSince < s_holeGraceTicks || now - _holeChecked < s_holeGraceTicks)
            return false;
        _holeChecked = now;
        if (!_ring.HasLivePublisher(position))
        {
            _deadHoleEnd = position + 1;
            return true;
        }
        return now - _holeSince >= s_stalledTicks;
    }

    /// <summary>While a hole is pending, sleep in short slices so it is skipped on time.</summary>
    bool IWaitTarget.ExamineWhileWaiting(ThreadParticipant me, bool consumerSide) => _cursor < Volatile.Read(ref *_ring.WritePositionPointer);

    private struct PollAttempt(ShmSubscriber<T> subscriber) : IWaitAttempt
    {
        public T Value;

        public bool TryOnce() => subscriber.TryPoll(out Value);
    }

    private sealed class SubscriberPollOperation(ShmSubscriber<T> subscriber, CancellationToken cancellationToken)
        : SleeperAsyncOperation<T>(subscriber._ring, subscriber._ring.Sleepers, subscriber, consumerSide: true, cancellationToken)
    {
        protected override bool TryOnce(out T result) => subscriber.TryPoll(out result);
    }
}
