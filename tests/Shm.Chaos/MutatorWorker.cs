using System.Globalization;
using System.IO.MemoryMappedFiles;

namespace Shm.Chaos;

/// <summary>
/// `worker mutator SEGMENT_PATH COUNT SECONDS SEED COUNTERS`: maps a live segment and, spread evenly over SECONDS,
/// makes COUNT mutations anywhere in it (a quarter in the first 1 KiB: header, locks, positions): a flipped bit, a
/// random 32- or 64-bit value, or an extreme value (0, -1, the limits of int and long, the segment's size and
/// neighbours of it, a huge length) at a random aligned offset.
/// </summary>
public static class MutatorWorker
{
    private const int HotBytes = 1024;

    public static unsafe int Run(string[] args)
    {
        string path = args[0];
        long count = long.Parse(args[1], CultureInfo.InvariantCulture);
        double seconds = double.Parse(args[2], CultureInfo.InvariantCulture);
        var random = new Random(int.Parse(args[3], CultureInfo.InvariantCulture));
        using var counters = new SharedCounters(args[4]);
        long size = new FileInfo(path).Length;
        using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
        using MemoryMappedViewAccessor view = file.CreateViewAccessor(0, size);
        byte* b = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref b);
        b += view.PointerOffset;
        long[] extremes = [0, -1, 1, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue, size, size - 1, size + 1,
            size * 2, 1L << 31, 1L << 32, 1L << 40, -size, 0x7FFFFFFF_FFFFFFF0, 4096, 65536];
        Console.WriteLine("ready");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (long i = 0; i < count; i++)
        {
            long offset = random.Next(4) == 0 ? random.NextInt64(Math.Min(HotBytes, size)) : random.NextInt64(size);
            switch (random.Next(4))
            {
                case 0:
                    b[offset] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    offset = Math.Min(offset & ~3L, size - 4);
                    Volatile.Write(ref *(int*)(b + offset), random.Next(int.MinValue, int.MaxValue));
                    break;
                case 2:
                    offset = Math.Min(offset & ~7L, size - 8);
                    Volatile.Write(ref *(long*)(b + offset), random.NextInt64(long.MinValue, long.MaxValue));
                    break;
                default:
                {
                    long value = extremes[random.Next(extremes.Length)];
                    if (random.Next(2) == 0)
                        Volatile.Write(ref *(int*)(b + Math.Min(offset & ~3L, size - 4)), (int)value);
                    else
                        Volatile.Write(ref *(long*)(b + Math.Min(offset & ~7L, size - 8)), value);
                    break;
                }
            }
            counters.Add(SharedCounters.Mutations, 1);
            // Spread the mutations over the run so operations interleave with them (pacing, not synchronisation).
            double due = seconds * 1000 * (i + 1) / count;
            if (clock.Elapsed.TotalMilliseconds < due - 1)
                Thread.Sleep(1);
        }
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        return 0;
    }
}
