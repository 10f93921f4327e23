using System.Diagnostics;
using System.IO.MemoryMappedFiles;
using Shm.Bench.Harness;
using Shm.Primitives.Threading;

namespace Shm.Bench.ByteQueue;

/// <summary>
/// The ceiling the byte queue's lock alone puts on one message at a time between two processes: each takes the same
/// robust process-shared mutex (the queue's <see cref="RobustMutex"/>, spins then futex) and bumps a counter under it,
/// as a producer and a consumer each take the queue's lock once per message. Two acquisitions make one message, so
/// the rate reported is acquisitions / 2: a locked queue cannot move unbatched messages faster, whatever its layout.
/// </summary>
/// <remarks>
/// The counter sits on the mutex's cache line, as the queue's state sits next to its lock: the line changes hands
/// with every acquisition that the other process makes.
/// </remarks>
internal static unsafe class LockHandOff
{
    private const int SegmentBytes = 4096;
    private const int CounterOffset = 48; // after the 40-byte mutex, on its line

    /// <summary>Both processes take the lock until it has been taken <paramref name="acquisitions"/> times; returns messages/s.</summary>
    public static double MessagesPerSecond(BenchContext context, long acquisitions)
    {
        string path = Path.Combine("/dev/shm", context.SegmentPrefix + "bq-lock");
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite))
            file.SetLength(SegmentBytes);
        try
        {
            using var mapping = Map(path, out byte* memory);
            RobustMutex.Initialize(memory);
            using Process other = ChildProcess.Start("bytequeue-lock", path, acquisitions.ToString(System.Globalization.CultureInfo.InvariantCulture), "0");
            long started = Stopwatch.GetTimestamp();
            long mine = Run(memory, acquisitions);
            ChildProcess.ReadResult(other, TimeSpan.FromMinutes(2));
            double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            context.Log($"  lock hand-off: {acquisitions:N0} acquisitions, {mine:N0} by the bench process");
            return acquisitions / 2.0 / seconds;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The other process's side (bench role <c>bytequeue-lock</c>).</summary>
    public static void RunChild(string path, long acquisitions)
    {
        using var mapping = Map(path, out byte* memory);
        Run(memory, acquisitions);
    }

    /// <summary>Takes the lock and bumps the shared counter until it reaches <paramref name="acquisitions"/>; returns this side's count.</summary>
    private static long Run(byte* memory, long acquisitions)
    {
        long* counter = (long*)(memory + CounterOffset);
        long mine = 0;
        while (true)
        {
            RobustMutex.Lock(memory, "bench lock");
            long value = *counter;
            if (value < acquisitions)
                *counter = value + 1;
            RobustMutex.Unlock(memory);
            if (value >= acquisitions)
                return mine;
            mine++;
        }
    }

    private static MemoryMappedViewAccessor Map(string path, out byte* memory)
    {
        using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, SegmentBytes, MemoryMappedFileAccess.ReadWrite);
        MemoryMappedViewAccessor view = file.CreateViewAccessor(0, SegmentBytes);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        memory = pointer;
        return view;
    }
}
