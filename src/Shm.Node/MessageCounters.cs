using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Shm.Node;

/// <summary>
/// The per-message counters of one node (messages and envelope bytes, sent and received), kept per thread: each thread
/// adds to a cell of its own with plain writes, so the message path pays no atomic instruction and no cache line is
/// shared between threads; a read sums the cells. A thread finds its cell through a one-entry thread-static cache (a
/// thread usually works for one node), else a weak table of its own.
/// </summary>
/// <remarks>
/// Each cell has one writer (its thread), so an add is a load and a store; a reader on another thread sees each value
/// whole (aligned 64-bit) and at most a moment old. Cells outlive their threads, so nothing counted is lost.
/// </remarks>
internal sealed class MessageCounters
{
    [ThreadStatic]
    private static Cell? t_last;

    // Weak keys: a thread that worked for many short-lived nodes (tests) must not keep their counters alive.
    [ThreadStatic]
    private static ConditionalWeakTable<MessageCounters, Cell>? t_cells;

    private readonly List<Cell> _cells = [];

    /// <summary>Counts one message of <paramref name="bytes"/> sent.</summary>
    public void Sent(long bytes)
    {
        Cell cell = Mine();
        Volatile.Write(ref cell.MessagesSent, cell.MessagesSent + 1);
        Volatile.Write(ref cell.BytesSent, cell.BytesSent + bytes);
    }

    /// <summary>Counts one message of <paramref name="bytes"/> received.</summary>
    public void Received(long bytes)
    {
        Cell cell = Mine();
        Volatile.Write(ref cell.MessagesReceived, cell.MessagesReceived + 1);
        Volatile.Write(ref cell.BytesReceived, cell.BytesReceived + bytes);
    }

    /// <summary>The sums over every thread's cell: (messages sent, bytes sent, messages received, bytes received).</summary>
    public (long MessagesSent, long BytesSent, long MessagesReceived, long BytesReceived) Sum()
    {
        long messagesSent = 0, bytesSent = 0, messagesReceived = 0, bytesReceived = 0;
        lock (_cells)
        {
            foreach (Cell cell in _cells)
            {
                messagesSent += Volatile.Read(ref cell.MessagesSent);
                bytesSent += Volatile.Read(ref cell.BytesSent);
                messagesReceived += Volatile.Read(ref cell.MessagesReceived);
                bytesReceived += Volatile.Read(ref cell.BytesReceived);
            }
        }
        return (messagesSent, bytesSent, messagesReceived, bytesReceived);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Cell Mine()
    {
        Cell? last = t_last;
        return last is not null && last.Owner == this ? last : MineSlow();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Cell MineSlow()
    {
        ConditionalWeakTable<MessageCounters, Cell> cells = t_cells ??= [];
        if (!cells.TryGetValue(this, out Cell? cell))
        {
            cell = new Cell(this);
            lock (_cells)
                _cells.Add(cell);
            cells.Add(this, cell);
        }
        t_last = cell;
        return cell;
    }

    /// <summary>One thread's counts, alone on its cache lines (the padding keeps neighbouring objects off them).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private sealed class Cell(MessageCounters owner)
    {
        [FieldOffset(0)] public readonly MessageCounters Owner = owner;
        [FieldOffset(64)] public long MessagesSent;
        [FieldOffset(72)] public long BytesSent;
        [FieldOffset(80)] public long MessagesReceived;
        [FieldOffset(88)] public long BytesReceived;
    }
}
