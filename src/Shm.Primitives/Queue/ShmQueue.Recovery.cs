using System.Runtime.CompilerServices;
using System.Diagnostics;
using Shm.Primitives.Participants;
using Shm.Primitives.Queue;
using Shm.Primitives.Threading;
using L = Shm.Primitives.Queue.ShmQueueLayout;
using R = Shm.Primitives.Participants.ParticipantRecordLayout;

namespace Shm.Primitives;

// Recovery of slots whose owner died between claim and commit. Fault points closed here:
//   queue.push.claimed, queue.pushmany.claimed  a producer took positions (tail moved) and died before
//                                               committing: Sequence == position forever; consumers would see
//                                               "empty" at the head while Count says otherwise.
//   queue.pop.claimed, queue.popmany.claimed    a consumer took positions (head moved) and died before
//                                               releasing: producers a lap later would see "full" forever.
//
// Detection: a Try that fails on a position that is claimed but not committed (tail past it, or head past
// the position a lap behind) notes it as this thread's suspect. If the same position is still stuck after the
// grace period, the participant records are scanned for the claim covering it. Repair happens only when every
// record whose announced claim covers the position belongs to a dead process (PID + start time: PID reuse
// cannot fake life or death; SIGSTOP is alive). The repair is a CAS of the slot's sequence from the stuck
// value, so it cannot race with a commit (only the dead holder could have made one) or with another repairer.
// A dead producer's slot becomes a tombstone ((position + 1) | SkipBit) that the consumer of that position
// drops; a dead consumer's slot is released (position + Capacity). Only the dead process's in-flight items are lost.
public sealed unsafe partial class ShmQueue<T> : IWaitTarget
{
    private static readonly long s_graceTicks = (long)(RecoveryGracePeriod.TotalSeconds * Stopwatch.Frequency);
    private static readonly long s_reapIntervalTicks = Stopwatch.Frequency / 10;
    private long _lastReapTimestamp;

    /// <summary>Told of each item a consumer took and died with before releasing it (the item is then dropped).</summary>
    internal Action<T>? LostToDeadConsumer { get; set; }

    // Failed Tries are common and cheap under contention (a producer between its claim and its commit for a few
    // nanoseconds): count repeats at the same position in process memory, and only after HitsBeforeExamine of them
    // read the other side's hot line and the clock. Blocking and async waiters examine on every wake instead.
    private const int HitsBeforeExamine = 64;

    private void OnDequeueFoundEmpty(ThreadParticipant me, long position)
    {
        if (me.WatchPosition != position || me.WatchFull)
        {
            me.WatchPosition = position;
            me.WatchFull = false;
            me.WatchHits = 0;
            return;
        }
        if (++me.WatchHits < HitsBeforeExamine)
            return;
        me.WatchHits = 0;
        ExamineStuck(me, consumerWaiting: true);
    }

    private void OnEnqueueFoundFull(ThreadParticipant me, long position)
    {
        if (me.WatchPosition != position || !me.WatchFull)
        {
            me.WatchPosition = position;
            me.WatchFull = true;
            me.WatchHits = 0;
            return;
        }
        if (++me.WatchHits < HitsBeforeExamine)
            return;
        me.WatchHits = 0;
        ExamineStuck(me, consumerWaiting: false);
    }

    bool IWaitTarget.ExamineWhileWaiting(ThreadParticipant me, bool consumerSide) => ExamineStuck(me, consumerWaiting: consumerSide);

    /// <summary>
    /// Looks at the position a waiter depends on. A consumer depends on the head: taken by a producer (tail past
    /// it) but not committed means a claim in flight. A producer depends on the position a lap behind the tail:
    /// taken by a consumer (head past it) but not released. Such a position is noted as this thread's suspect
    /// (repaired if its holders turn out dead). Returns whether a claim is in flight, so waiters sleep in short
    /// slices and look again soon.
    /// </summary>
    private bool ExamineStuck(ThreadParticipant me, bool consumerWaiting)
    {
        long head = Volatile.Read(ref *_head);
        long tail = Volatile.Read(ref *_tail);
        if (consumerWaiting)
        {
            if (tail <= head)
                return false;
            if (Volatile.Read(ref *(long*)SlotAt(head)) == head)
                NoteStuck(me, head, consumerSide: false);
            return true;
        }
        long behind = tail - _capacity;
        if (behind < 0 || head <= behind)
            return false;
        if (L.Unmarked(Volatile.Read(ref *(long*)SlotAt(behind))) == behind + 1)
            NoteStuck(me, behind, consumerSide: true);
        return true;
    }

    private void NoteStuck(ThreadParticipant me, long position, bool consumerSide)
    {
        long now = Stopwatch.GetTimestamp();
        if (me.SuspectPosition != position || me.SuspectConsumerSide != consumerSide)
        {
            me.SuspectPosition = position;
            me.SuspectConsumerSide = consumerSide;
            me.SuspectSince = now;
            return;
        }
        if (now - me.SuspectSince < s_graceTicks || now - me.LastRecoveryScan < s_graceTicks)
            return;
        me.LastRecoveryScan = now;
        if (!TryRepair(position, consumerSide))
            return;
        me.SuspectPosition = -1;
        // A dead batch claim (EnqueueMany/DequeueMany) covers the positions after this one too: repair them now,
        // not one grace period and one waiter wake-up each (a dead batch of 8 took ~90 ms that way). Each position is
        // still repaired only if every claim covering it belongs to a dead process; the first live one stops the run.
        for (long next = position + 1; next < position + _capacity && IsStuck(next, consumerSide, out _); next++)
        {
            if (!TryRepair(next, consumerSide))
                break;
        }
    }

    /// <summary>
    /// Repairs <paramref name="position"/> if it is stuck and held only by dead processes. True when nothing is
    /// left to repair there (not stuck, or repaired); false while a live process may still commit it.
    /// </summary>
    private bool TryRepair(long position, bool consumerSide)
    {
        if (!IsStuck(position, consumerSide, out _))
            return true;
        if (!_participants.IsClaimHeldOnlyByDead(position, consumerSide))
            return false;
        // Re-read after the scan: a live holder that committed meanwhile leaves nothing to repair.
        if (!IsStuck(position, consumerSide, out long stuckSequence))
            return true;

        long repaired = consumerSide ? position + _capacity : (position + 1) | L.SkipBit;
        // A dead consumer's item is still in the slot (nobody writes it before the release below): read it first.
        T lost = consumerSide && stuckSequence >= 0 ? Unsafe.Read<T>(SlotAt(position) + L.SequenceSize) : default;
        // CAS from the exact stuck value: only the dead holder could have changed it, so losing this CAS means
        // another survivor repaired it first.
        if (Interlocked.CompareExchange(ref *(long*)SlotAt(position), repaired, stuckSequence) == stuckSequence)
        {
            if (consumerSide && stuckSequence >= 0)
                LostToDeadConsumer?.Invoke(lost);
            _participants.Current.Counter(QueueCounter.Recoveries)++;
            _sleepers.WakeAll(consumers: !consumerSide, producers: consumerSide);
        }
        return true;
    }

    private bool IsStuck(long position, bool consumerSide, out long sequence)
    {
        sequence = Volatile.Read(ref *(long*)SlotAt(position));
        return consumerSide
            ? L.Unmarked(sequence) == position + 1 && Volatile.Read(ref *_head) > position
            : sequence == position && Volatile.Read(ref *_tail) > position;
    }

    /// <summary>Consumes the tombstone at the head (TryPeek must not report it as an item).</summary>
    private void DropTombstoneAt(long position)
    {
        ThreadParticipant me = _participants.Current;
        me.Announce((ulong)position | R.ActiveBit | R.ConsumerBit);
        if (Interlocked.CompareExchange(ref *_head, position + 1, position) == position)
        {
            Volatile.Write(ref *(long*)SlotAt(position), position + _capacity);
            me.ClearClaim();
            WakeProducersAfterRelease(1);
            return;
        }
        me.ClearClaim();
    }

    /// <summary>Frees the records of dead processes (rate-limited); returns how many.</summary>
    internal int ReapDeadParticipants(bool force = false)
    {
        long now = Stopwatch.GetTimestamp();
        if (!force && now - Volatile.Read(ref _lastReapTimestamp) < s_reapIntervalTicks)
            return 0;
        Volatile.Write(ref _lastReapTimestamp, now);
        return _participants.ReapDead(_participants.Resolver);
    }

    /// <summary>Resolves a dead participant's claim with this queue's slot protocol.</summary>
    private sealed class DeadClaimResolver(ShmQueue<T> queue) : IDeadClaimResolver
    {
        public bool TryResolveDeadClaim(ulong claim, uint count)
        {
            bool consumerSide = (claim & R.ConsumerBit) != 0;
            long start = (long)(claim & R.PositionMask);
            if (count > queue._capacity)
                return true; // a count no correct process writes; nothing sane to repair
            for (long i = 0; i < count; i++)
            {
                if (!queue.TryRepair(start + i, consumerSide))
                    return false;
            }
            return true;
        }
    }
}
