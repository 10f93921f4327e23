using System.Runtime.InteropServices;

namespace Shm.Transport.Diagnostics;

/// <summary>
/// A counter many threads add to on a hot path without sharing one cache line: each thread adds to one of a few padded
/// cells (by its managed thread id); a read sums them.
/// </summary>
internal sealed class StripedCounter
{
    private const int Stripes = 16; // a power of two
    private readonly Cell[] _cells = new Cell[Stripes];

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Cell
    {
        [FieldOffset(64)] public long Value;
    }

    public void Add(long value) => Interlocked.Add(ref _cells[Environment.CurrentManagedThreadId & (Stripes - 1)].Value, value);

    public long Sum()
    {
        long sum = 0;
        for (int i = 0; i < Stripes; i++)
            sum += Volatile.Read(ref _cells[i].Value);
        return sum;
    }
}
