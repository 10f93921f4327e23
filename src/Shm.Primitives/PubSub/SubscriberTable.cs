using Shm.Primitives.Participants;

namespace Shm.Primitives.PubSub;

// Registered subscribers of a backpressure-mode ring. 64 records of 64 bytes, each written by its subscriber:
//  offset  size  field    written by                    meaning
//       0     8  Owner    subscriber (CAS), publishers  0 free; (startTime << 22 | pid) of the registered process
//       8     8  Cursor   subscriber                    the next position it will read: publishers never claim a
//                                                       position at or beyond Cursor + Capacity
// A publisher that finds a dead owner (PID + start time) frees the record, so a killed subscriber cannot block
// publishers for longer than one liveness check.
internal sealed unsafe class SubscriberTable(byte* records)
{
    public const int RecordCount = 64;
    public const int RecordSize = CacheLine.Size;
    public const int Size = RecordCount * RecordSize;
    private const int OwnerOffset = 0;
    private const int CursorOffset = sizeof(ulong);

    // Positions below this may be claimed (the lowest cursor + the ring's capacity when last scanned), this process's
    // own. Any value computed is a valid bound: cursors and the write position only grow, and a subscriber registers at
    // the write position of its registration, at or beyond every cursor scanned before. So the records (64 lines that
    // the subscribers write) are scanned only when a publish would pass the bound, not on every publish.
    private long _limit;

    /// <summary>Takes a free record for this process, starting at the position <paramref name="writePosition"/> returns.</summary>
    public byte* Register(Func<long> writePosition, string segment)
    {
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < RecordCount; i++)
            {
                byte* record = records + i * RecordSize;
                ref ulong owner = ref *(ulong*)(record + OwnerOffset);
                if (Volatile.Read(ref owner) != 0 || Interlocked.CompareExchange(ref owner, ProcessIdentity.CurrentOwner, 0) != 0)
                    continue;
                // Read after taking the record (the CAS is a full fence): any publisher that scanned before we took it
                // limited itself by a write position no later than this one.
                Volatile.Write(ref *(long*)(record + CursorOffset), writePosition());
                return record;
            }
            Reap();
        }
        throw new InvalidOperationException($"Segment '{segment}' has all {RecordCount} backpressure subscriber records in use by live processes.");
    }

    public static long CursorOf(byte* record) => Volatile.Read(ref *(long*)(record + CursorOffset));

    public static void Publish(byte* record, long cursor) => Volatile.Write(ref *(long*)(record + CursorOffset), cursor);

    public static void Unregister(byte* record) => Volatile.Write(ref *(ulong*)(record + OwnerOffset), 0);

    /// <summary>
    /// Whether positions up to <paramref name="end"/> (exclusive) stay within <paramref name="capacity"/> of the slowest
    /// registered subscriber: against the cached bound first, scanning the records only when it is exceeded.
    /// </summary>
    public bool HasRoom(long end, long writePosition, long capacity) =>
        end <= Volatile.Read(ref _limit) || end <= Refresh(writePosition, capacity, reapDead: false);

    /// <summary>For a publisher waiting for room: frees dead subscribers' records, then scans the rest for the bound.</summary>
    public void ReapAndRefresh(long writePosition, long capacity) => Refresh(writePosition, capacity, reapDead: true);

    private long Refresh(long writePosition, long capacity, bool reapDead)
    {
        long limit = MinimumCursor(writePosition, reapDead) + capacity;
        Volatile.Write(ref _limit, limit);
        return limit;
    }

    /// <summary>
    /// The lowest cursor of the registered subscribers, or <paramref name="writePosition"/> if lower (a subscriber
    /// registering later starts at or beyond it). With <paramref name="reapDead"/>, dead subscribers are freed first.
    /// </summary>
    public long MinimumCursor(long writePosition, bool reapDead)
    {
        if (reapDead)
            Reap();
        long minimum = writePosition;
        for (int i = 0; i < RecordCount; i++)
        {
            byte* record = records + i * RecordSize;
            if (Volatile.Read(ref *(ulong*)(record + OwnerOffset)) == 0)
                continue;
            long cursor = Volatile.Read(ref *(long*)(record + CursorOffset));
            if (cursor >= 0 && cursor < minimum)
                minimum = cursor;
        }
        return minimum;
    }

    private void Reap()
    {
        for (int i = 0; i < RecordCount; i++)
        {
            byte* record = records + i * RecordSize;
            ref ulong owner = ref *(ulong*)(record + OwnerOffset);
            ulong value = Volatile.Read(ref owner);
            if (value != 0 && value != ProcessIdentity.CurrentOwner && !ProcessIdentity.IsAlive(value))
                Interlocked.CompareExchange(ref owner, 0, value);
        }
    }
}
