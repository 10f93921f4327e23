using Shm.Primitives.ByteQueue;
using Shm.Primitives.Participants;
using Shm.Primitives.Threading;
using L = Shm.Primitives.ByteQueue.ShmByteQueueLayout;

namespace Shm.Primitives;

// Recovery after a lock holder died. The kernel hands the robust mutex to the next locker with EOWNERDEAD the
// moment the holder's thread is gone (no timeout, no PID polling, nothing PID reuse can fool; a stopped holder
// keeps the lock). The dead holder was inside one operation:
//   before its journal commit  it only wrote payload bytes and descriptors into free space: nothing to undo;
//   after the commit           the journal holds the complete new state: re-applying it finishes the operation.
// Then the whole structure is verified before the mutex is marked consistent. Fault points: bytequeue.*.staged,
// bytequeue.*.committed and bytequeue.*.applying in every operation (Diagnostics/FaultPoints.cs).
public sealed unsafe partial class ShmByteQueue
{
    private void RecoverLocked()
    {
        if (Volatile.Read(ref *_journalState) == L.JournalPending)
            ApplyJournalLocked(applyingFault: null);
        try
        {
            VerifyLocked();
        }
        catch (ShmCorruptedException)
        {
            // Leave the lock usable for others' diagnostics, then report: the segment must be recreated.
            RobustMutex.MarkConsistent(_mutex);
            ExitLock();
            throw;
        }
        RobustMutex.MarkConsistent(_mutex);
        _participants.Current.Counter(ByteQueueCounter.Recoveries)++;
    }

    /// <summary>
    /// Checks that the descriptor ring and the arena accounting agree: every live message lies inside the arena,
    /// inside the region its predecessors leave for it, and the regions add up to ArenaUsed exactly. Takes the
    /// lock (repairing first if a holder died).
    /// </summary>
    /// <exception cref="ShmCorruptedException">The first inconsistency found, with the fields and values involved.</exception>
    public void Verify()
    {
        EnterLock(WaitForLock);
        try
        {
            VerifyLocked();
        }
        finally
        {
            ExitLock();
        }
    }

    private void VerifyLocked()
    {
        if (Volatile.Read(ref *_journalState) != L.JournalIdle)
            ThrowCorrupted("JournalState", *_journalState, "idle (0) outside an operation");
        QueueState state = ReadStateLocked();
        if (state.Count == 0 && (state.ArenaUsed != 0 || state.ArenaStart != 0))
            ThrowCorrupted("ArenaStart/ArenaUsed", $"{state.ArenaStart}/{state.ArenaUsed}", "0/0 for an empty queue");

        long regionStart = state.ArenaStart; // not reduced modulo: regions are checked on the unrolled circle
        long total = 0;
        for (long position = state.Head; position < state.Tail; position++)
        {
            ReadDescriptorLocked(position, state, out long offset, out int length, out long reserved);
            long regionEnd = regionStart + reserved;
            // The payload must lie inside this message's region on the unrolled circle (regions start below 2 laps).
            bool inside = false;
            for (long lap = 0; lap <= 2 && !inside; lap++)
            {
                long unrolled = offset + lap * _arenaBytes;
                inside = unrolled >= regionStart && unrolled + length <= regionEnd;
            }
            if (!inside)
                ThrowCorrupted($"Descriptor[{position & _mask}]", $"payload {offset}+{length}", $"inside its region {regionStart % _arenaBytes}+{reserved}");
            total += reserved;
            regionStart = regionEnd;
        }
        if (total != state.ArenaUsed)
            ThrowCorrupted("ArenaUsed", state.ArenaUsed, $"{total}, the sum of the live messages' regions");
    }

    bool IWaitTarget.ExamineWhileWaiting(ThreadParticipant me, bool consumerSide) => false; // the lock reports dead holders itself
}
