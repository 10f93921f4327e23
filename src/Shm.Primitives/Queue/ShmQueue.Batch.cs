using System.Runtime.CompilerServices;
using Shm.Primitives.Diagnostics;
using Shm.Primitives.Participants;
using Shm.Primitives.Queue;
using Shm.Primitives.Threading;
using L = Shm.Primitives.Queue.ShmQueueLayout;
using R = Shm.Primitives.Participants.ParticipantRecordLayout;

namespace Shm.Primitives;

// Batch forms: one CAS claims a run of consecutive free (or ready) slots, then each slot is committed (or
// released) in order. A process killed inside a batch loses the part of that batch not yet committed.
public sealed unsafe partial class ShmQueue<T>
{
    /// <summary>
    /// Adds as many of <paramref name="items"/>, in order, as there is room for. Never blocks.
    /// </summary>
    /// <returns>How many were added (a prefix of <paramref name="items"/>); less than its length if the queue filled up.</returns>
    public int EnqueueMany(ReadOnlySpan<T> items)
    {
        int total = 0;
        while (total < items.Length)
        {
            int pushed = TryEnqueueRun(items[total..]);
            if (pushed == 0)
                break;
            total += pushed;
        }
        return total;
    }

    /// <summary>
    /// Adds all of <paramref name="items"/> in order, waiting up to <paramref name="timeout"/> for room.
    /// </summary>
    /// <returns>How many were added: all of them, or fewer if the timeout passed first.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
    public int EnqueueMany(ReadOnlySpan<T> items, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowHelper.ValidateTimeout(timeout);
        int total = EnqueueMany(items);
        if (total == items.Length)
            return total;
        var attempt = new EnqueueManyAttempt(this, items, total);
        _sleepers.Wait(this, ref attempt, consumerSide: false, timeout, cancellationToken);
        return attempt.Total;
    }

    /// <summary>
    /// Takes up to <paramref name="destination"/>.Length items, oldest first: the run of consecutive committed items
    /// at the head (it stops at the first item still being written). Never blocks.
    /// </summary>
    /// <returns>How many were taken (0 if the queue was empty).</returns>
    public int DequeueMany(Span<T> destination)
    {
        _segment.ThrowIfUnusable();
        // One run per call, returned as soon as it holds an item. Taking a second run here would make the items of
        // the first one (released already, so no recovery sees them) die with us if we were killed inside the second
        // claim: a kill inside DequeueMany must lose only the slots of the claim in flight, which recovery repairs
        // and counts. A run of tombstones only (taken == 0 without sawEmpty) looks further.
        if (destination.IsEmpty)
            return 0;
        while (true)
        {
            int taken = TryDequeueRun(destination, out bool sawEmpty);
            if (taken > 0 || sawEmpty)
                return taken;
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for at least one item, then takes what is there, up to
    /// <paramref name="destination"/>.Length, without waiting further.
    /// </summary>
    /// <returns>How many were taken; 0 only if the timeout passed with the queue empty.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
    public int DequeueMany(Span<T> destination, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowHelper.ValidateTimeout(timeout);
        int taken = DequeueMany(destination);
        if (taken > 0 || destination.IsEmpty)
            return taken;
        var attempt = new DequeueManyAttempt(this, destination);
        _sleepers.Wait(this, ref attempt, consumerSide: true, timeout, cancellationToken);
        return attempt.Taken;
    }

    /// <summary>Takes everything in the queue now (up to <paramref name="maxCount"/>) and returns it, oldest first.</summary>
    public T[] Drain(int maxCount = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var drained = new List<T>();
        Span<T> buffer = new T[(int)Math.Min(Math.Min(_capacity, 256), Math.Max(1, maxCount))];
        while (drained.Count < maxCount)
        {
            int taken = DequeueMany(buffer[..Math.Min(buffer.Length, maxCount - drained.Count)]);
            if (taken == 0)
                break;
            drained.AddRange(buffer[..taken]);
        }
        return [.. drained];
    }

    /// <summary>
    /// Removes every item present now (items added concurrently may survive) and wakes all blocked producers
    /// and consumers so they re-check.
    /// </summary>
    public void Clear()
    {
        ThrowIfUnusable();
        Span<T> buffer = new T[(int)Math.Min(_capacity, 256)];
        long budget = _capacity; // bounded: concurrent producers cannot keep us here
        while (budget > 0)
        {
            int taken = DequeueMany(buffer);
            if (taken == 0)
                break;
            budget -= taken;
        }
        _sleepers.WakeAll(consumers: true, producers: true);
    }

    private int TryEnqueueRun(ReadOnlySpan<T> items)
    {
        _segment.ThrowIfUnusable();
        ThreadParticipant me = _participants.Current;
        ref long tail = ref *_tail;
        int limit = (int)Math.Min(items.Length, _capacity);
        long position = Volatile.Read(ref tail);
        while (true)
        {
            int free = 0;
            // A slot free for its position stays free until a producer claims it, which needs the tail past us.
            while (free < limit && Volatile.Read(ref *(long*)SlotAt(position + free)) == position + free)
                free++;
            if (free == 0)
            {
                long sequence = Volatile.Read(ref *(long*)SlotAt(position));
                if (L.Unmarked(sequence) - position < 0)
                {
                    // After a lost CAS our announcement still names the run another producer took: withdraw it, or
                    // while we sleep it would vouch for that producer's slots and block their repair if it dies.
                    me.ClearBatchClaim();
                    me.Counter(QueueCounter.Full)++;
                    OnEnqueueFoundFull(me, position);
                    return 0;
                }
                // Free for us only now (a consumer released it since the scan): scan again from the same position.
                // Otherwise a later claim overtook us, and the tail must have moved.
                if (sequence != position)
                    position = RereadOvertaken(ref tail, position, "TailPosition");
                continue;
            }

            me.AnnounceBatch((ulong)position | R.ActiveBit, (uint)free);
            long observed = Interlocked.CompareExchange(ref tail, position + free, position);
            if (observed != position)
            {
                position = observed;
                continue;
            }
            FaultPoint.Hit(FaultPoints.QueuePushManyClaimed);
            for (int i = 0; i < free; i++)
            {
                byte* slot = SlotAt(position + i);
                Unsafe.Write(slot + L.SequenceSize, items[i]);
                Volatile.Write(ref *(long*)slot, position + i + 1); // release: publishes this slot's value
            }
            me.ClearBatchClaim();
            me.Counter(QueueCounter.Enqueued) += free;
            WakeConsumersAfterCommit(free);
            return free;
        }
    }

    private int TryDequeueRun(Span<T> destination, out bool sawEmpty)
    {
        ThreadParticipant me = _participants.Current;
        ref long head = ref *_head;
        int limit = (int)Math.Min(destination.Length, _capacity);
        long position = Volatile.Read(ref head);
        while (true)
        {
            int ready = 0;
            // A committed slot (or tombstone) stays so until a consumer claims it, which needs the head past us.
            while (ready < limit && L.Unmarked(Volatile.Read(ref *(long*)SlotAt(position + ready))) == position + ready + 1)
                ready++;
            if (ready == 0)
            {
                long sequence = Volatile.Read(ref *(long*)SlotAt(position));
                if (L.Unmarked(sequence) - (position + 1) < 0)
                {
                    me.ClearBatchClaim(); // a claim left from a lost CAS names another consumer's run (see TryEnqueueRun)
                    me.Counter(QueueCounter.Empty)++;
                    OnDequeueFoundEmpty(me, position);
                    sawEmpty = true;
                    return 0;
                }
                // Committed only now (its producer finished since the scan): scan again from the same position.
                // Otherwise a later claim overtook us, and the head must have moved.
                if (L.Unmarked(sequence) != position + 1)
                    position = RereadOvertaken(ref head, position, "HeadPosition");
                continue;
            }

            me.AnnounceBatch((ulong)position | R.ActiveBit | R.ConsumerBit, (uint)ready);
            long observed = Interlocked.CompareExchange(ref head, position + ready, position);
            if (observed != position)
            {
                position = observed;
                continue;
            }
            FaultPoint.Hit(FaultPoints.QueuePopManyClaimed);
            int taken = 0;
            for (int i = 0; i < ready; i++)
            {
                byte* slot = SlotAt(position + i);
                if (Volatile.Read(ref *(long*)slot) >= 0) // not a tombstone
                    destination[taken++] = Unsafe.Read<T>(slot + L.SequenceSize);
                Volatile.Write(ref *(long*)slot, position + i + _capacity); // release: our read is done
            }
            me.ClearBatchClaim();
            me.Counter(QueueCounter.Dequeued) += taken;
            WakeProducersAfterRelease(ready);
            sawEmpty = false;
            return taken;
        }
    }

    private ref struct EnqueueManyAttempt(ShmQueue<T> queue, ReadOnlySpan<T> items, int total) : IWaitAttempt
    {
        private readonly ReadOnlySpan<T> _items = items;
        public int Total = total;

        public bool TryOnce()
        {
            Total += queue.EnqueueMany(_items[Total..]);
            return Total == _items.Length;
        }
    }

    private ref struct DequeueManyAttempt(ShmQueue<T> queue, Span<T> destination) : IWaitAttempt
    {
        private readonly Span<T> _destination = destination;
        public int Taken;

        public bool TryOnce()
        {
            Taken = queue.DequeueMany(_destination);
            return Taken > 0;
        }
    }
}
