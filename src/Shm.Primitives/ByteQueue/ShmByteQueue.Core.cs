using System.Runtime.CompilerServices;
using Shm.Primitives.Diagnostics;
using Shm.Primitives.Threading;
using L = Shm.Primitives.ByteQueue.ShmByteQueueLayout;

namespace Shm.Primitives;

// The locked core: taking the mutex (repairing after a dead holder), reading and validating the state,
// placing messages in the arena, and the journal commit that makes every operation all-or-nothing.
// Methods ending in Locked expect the mutex held by this thread.
public sealed unsafe partial class ShmByteQueue
{
    /// <summary>Lock deadline meaning "wait as long as it takes" (non-blocking operations: the lock is held briefly).</summary>
    private const long WaitForLock = long.MaxValue;

    /// <summary>Lock deadline meaning "only if free now" (the async service thread must never block).</summary>
    private const long TryLockOnly = 0;

    private static readonly string[]?[] s_faultPoints =
    [
        null,
        [FaultPoints.ByteQueuePushStaged, FaultPoints.ByteQueuePushCommitted, FaultPoints.ByteQueuePushApplying],
        [FaultPoints.ByteQueuePushFrontStaged, FaultPoints.ByteQueuePushFrontCommitted, FaultPoints.ByteQueuePushFrontApplying],
        [FaultPoints.ByteQueuePopStaged, FaultPoints.ByteQueuePopCommitted, FaultPoints.ByteQueuePopApplying],
        [FaultPoints.ByteQueuePopBackStaged, FaultPoints.ByteQueuePopBackCommitted, FaultPoints.ByteQueuePopBackApplying],
        [FaultPoints.ByteQueuePushManyStaged, FaultPoints.ByteQueuePushManyCommitted, FaultPoints.ByteQueuePushManyApplying],
        [FaultPoints.ByteQueuePopManyStaged, FaultPoints.ByteQueuePopManyCommitted, FaultPoints.ByteQueuePopManyApplying],
        null, // Clear
    ];

    private enum Operation : uint
    {
        Push = 1,
        PushFront,
        Pop,
        PopBack,
        PushMany,
        PopMany,
        Clear,
    }

    /// <summary>The four state fields, as read under the lock and validated.</summary>
    private struct QueueState
    {
        public long Head;
        public long Tail;
        public long ArenaStart;
        public long ArenaUsed;

        public readonly long Count => Tail - Head;
    }

    /// <summary>Takes the mutex by <paramref name="deadlineTicks"/>; after a dead holder, repairs first.</summary>
    private bool EnterLock(long deadlineTicks)
    {
        ThrowIfUnusable();
        LockOutcome outcome = deadlineTicks switch
        {
            WaitForLock => RobustMutex.Lock(_mutex, Name),
            TryLockOnly => RobustMutex.TryLock(_mutex, Name),
            _ => RobustMutex.LockUntil(_mutex, deadlineTicks, Name),
        };
        if (outcome == LockOutcome.NotAcquired)
            return false;
        if (outcome == LockOutcome.AcquiredFromDeadOwner)
            RecoverLocked();
        return true;
    }

    private void ExitLock() => RobustMutex.Unlock(_mutex);

    private QueueState ReadStateLocked()
    {
        var state = new QueueState { Head = _state[0], Tail = _state[1], ArenaStart = _state[2], ArenaUsed = _state[3] };
        if (state.Count < 0 || state.Count > _capacity)
            ThrowCorrupted("HeadPosition/TailPosition", $"{state.Head}/{state.Tail}", $"0..{_capacity} messages apart");
        if (state.ArenaStart < 0 || state.ArenaStart >= _arenaBytes)
            ThrowCorrupted("ArenaStart", state.ArenaStart, $"0..{_arenaBytes - 1}");
        if (state.ArenaUsed < 0 || state.ArenaUsed > _arenaBytes)
            ThrowCorrupted("ArenaUsed", state.ArenaUsed, $"0..{_arenaBytes}");
        return state;
    }

    /// <summary>
    /// Publishes <paramref name="next"/> as the queue's state. Everything the operation wrote before this is in free
    /// space (invisible); the journal store below is the commit. Death before it: nothing happened. Death after it:
    /// the next locker re-applies the journal (RecoverLocked), completing the operation.
    /// </summary>
    private void CommitLocked(in QueueState next, Operation operation)
    {
        // Each operation's crash windows, by its index: staged (payload written, nothing committed), committed, applying.
        // Disarmed (a static readonly the JIT folds) this is null and every fault branch below disappears.
        string[]? faults = FaultPoint.IsArmed ? s_faultPoints[(int)operation] : null;
        if (faults is not null)
            FaultPoint.Hit(faults[0]);
        _journal[0] = next.Head;
        _journal[1] = next.Tail;
        _journal[2] = next.ArenaStart;
        _journal[3] = next.ArenaUsed;
        *_journalOperation = (uint)operation;
        // The commit. Volatile: the journal stores above may not sink below it (the mutex orders it for other lockers;
        // this orders it for a locker that inherits the state of a holder killed right here).
        Volatile.Write(ref *_journalState, L.JournalPending);
        if (faults is not null)
            FaultPoint.Hit(faults[1]);
        ApplyJournalLocked(faults?[2]);
    }

    /// <summary>Copies the journal into the state (idempotent, so a repeat after a crash is harmless).</summary>
    private void ApplyJournalLocked(string? applyingFault)
    {
        _state[0] = _journal[0];
        _state[1] = _journal[1];
        if (applyingFault is not null)
            FaultPoint.Hit(applyingFault);
        _state[2] = _journal[2];
        _state[3] = _journal[3];
        Volatile.Write(ref *_journalState, L.JournalIdle);
    }

    /// <summary>
    /// Finds room for a message of <paramref name="length"/> bytes at the back (or front) and advances
    /// <paramref name="state"/> past it. False if the arena has no contiguous room (the queue is "full").
    /// </summary>
    private bool TryPlace(ref QueueState state, int length, bool front, out long offset, out long reserved)
    {
        long arena = _arenaBytes;
        long need = L.AlignMessage(length);
        offset = 0;
        reserved = need;
        if (state.Count == 0)
        {
            state.ArenaStart = 0; // an empty queue starts over at offset 0: no gap to skip
            state.ArenaUsed = 0;
        }
        long start = state.ArenaStart, used = state.ArenaUsed, end = start + used;
        if (need > arena - used)
            return false;

        if (!front)
        {
            if (end >= arena)
            {
                // The occupied region wraps: the free space is [end - arena, start).
                offset = end - arena;
                if (need > start - offset)
                    return false;
            }
            else if (need <= arena - end)
            {
                offset = end;
            }
            else
            {
                // Not enough before the arena's end: skip the gap [end, arena) and start again at 0.
                if (need > start)
                    return false;
                offset = 0;
                reserved = arena - end + need;
            }
            state.ArenaUsed = used + reserved;
            state.Tail++;
            return true;
        }

        if (end > arena)
        {
            // Wrapping region: the free space [end - arena, start) lies just before the head.
            if (need > start - (end - arena))
                return false;
            offset = start - need;
        }
        else if (need <= start)
        {
            offset = start - need;
        }
        else
        {
            // Not enough after offset 0: place it at the arena's end and count [0, start) as its gap.
            if (need > arena - end)
                return false;
            offset = arena - need;
            reserved = need + start;
        }
        state.ArenaStart = offset;
        state.ArenaUsed = used + reserved;
        state.Head--;
        return true;
    }

    private void WriteDescriptorLocked(long position, long offset, int length, long reserved)
    {
        byte* descriptor = DescriptorAt(position);
        *(long*)(descriptor + L.DescriptorOffsetOffset) = offset;
        *(long*)(descriptor + L.DescriptorLengthOffset) = length;
        *(long*)(descriptor + L.DescriptorReservedOffset) = reserved;
    }

    /// <summary>Reads a descriptor of a live message and checks it against the arena before anything is copied.</summary>
    private void ReadDescriptorLocked(long position, in QueueState state, out long offset, out int length, out long reserved)
    {
        byte* descriptor = DescriptorAt(position);
        offset = *(long*)(descriptor + L.DescriptorOffsetOffset);
        long rawLength = *(long*)(descriptor + L.DescriptorLengthOffset);
        reserved = *(long*)(descriptor + L.DescriptorReservedOffset);
        if (offset < 0 || offset > _arenaBytes || rawLength < 0 || rawLength > _arenaBytes - offset)
            ThrowCorrupted($"Descriptor[{position & _mask}].Offset/Length", $"{offset}/{rawLength}", $"inside the {_arenaBytes}-byte arena");
        if (reserved < L.AlignMessage(rawLength) || reserved > state.ArenaUsed)
            ThrowCorrupted($"Descriptor[{position & _mask}].Reserved", reserved, $"{L.AlignMessage(rawLength)}..{state.ArenaUsed}");
        length = (int)rawLength;
    }

    /// <summary>The state after taking the message at the front (or back) that accounts for <paramref name="reserved"/> bytes.</summary>
    private QueueState AfterTake(in QueueState state, long reserved, bool back)
    {
        QueueState next = state;
        if (back)
        {
            next.Tail--;
        }
        else
        {
            next.Head++;
            next.ArenaStart = (state.ArenaStart + reserved) % _arenaBytes;
        }
        next.ArenaUsed -= reserved;
        if (next.Count == 0)
        {
            next.ArenaStart = 0;
            next.ArenaUsed = 0;
        }
        return next;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowCorrupted(string field, object value, string expected) =>
        throw new ShmCorruptedException(ThrowHelper.Format(SR.Segment_FieldInvalid, Name, field, value, expected));
}
