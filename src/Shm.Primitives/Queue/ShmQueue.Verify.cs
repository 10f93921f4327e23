using System.Runtime.CompilerServices;
using L = Shm.Primitives.Queue.ShmQueueLayout;

namespace Shm.Primitives;

// The queue's own consistency check, for a queue at rest (crash campaigns and diagnostics).
public sealed unsafe partial class ShmQueue<T>
{
    /// <summary>
    /// Checks, with no operation in flight anywhere, that positions and slot sequences agree: the head is at most a
    /// lap behind the tail; each position from head to tail holds a committed item or a tombstone; each position
    /// from the tail to a lap past the head is free for its producer. Call only while no process operates on the
    /// queue (a claim in flight looks like an inconsistency).
    /// </summary>
    /// <exception cref="ShmCorruptedException">The first disagreement, naming the field, the value and the expectation.</exception>
    internal void VerifyQuiescent()
    {
        ThrowIfUnusable();
        long head = Volatile.Read(ref *_head);
        long tail = Volatile.Read(ref *_tail);
        if (head < 0 || tail < head || tail - head > _capacity)
            Corrupted("HeadPosition/TailPosition", $"{head}/{tail}", $"0 <= head <= tail <= head + {_capacity}");
        for (long position = head; position < head + _capacity; position++)
        {
            long sequence = Volatile.Read(ref *(long*)SlotAt(position));
            if (position < tail)
            {
                if (L.Unmarked(sequence) != position + 1)
                    Corrupted($"Slot[{position & _mask}].Sequence", sequence, $"{position + 1} (committed) or a tombstone of it");
            }
            else if (sequence != position)
            {
                Corrupted($"Slot[{position & _mask}].Sequence", sequence, $"{position} (free for position {position})");
            }
        }
    }

    /// <summary>
    /// Re-reads the tail (head) after the slot at <paramref name="stalePosition"/> showed a sequence from a later
    /// claim, which normally moved the word past the position first. A word that stays put while this thread keeps
    /// coming back here is corrupt (looping on it would spin forever): after <see cref="MaxOvertakenRereads"/> such
    /// re-reads in a row it is reported. A single one is not: only persistence is taken as proof. (The transient cases
    /// the chaos campaign once saw here were the previous lap's tombstone misread as a later claim, since fixed by
    /// masking the skip bit in every comparison.) Off the hot path.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private long RereadOvertaken(ref long word, long stalePosition, string field)
    {
        long fresh = Volatile.Read(ref word);
        if (fresh > stalePosition)
        {
            t_unmovedRereads = 0;
            return fresh;
        }
        if (++t_unmovedRereads >= MaxOvertakenRereads)
        {
            t_unmovedRereads = 0;
            Corrupted(field, fresh, $"past {stalePosition}, whose slot holds sequence {Volatile.Read(ref *(long*)SlotAt(stalePosition))}, for {MaxOvertakenRereads} re-reads");
        }
        Thread.SpinWait(1);
        return fresh;
    }

    private const int MaxOvertakenRereads = 1_000_000;

    [ThreadStatic]
    private static int t_unmovedRereads;

    private void Corrupted(string field, object value, string expected) =>
        throw new ShmCorruptedException(ThrowHelper.Format(SR.Segment_FieldInvalid, Name, field, value, expected));
}
