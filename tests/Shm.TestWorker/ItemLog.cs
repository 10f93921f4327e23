using System.IO.MemoryMappedFiles;

namespace Shm.TestWorker;

/// <summary>
/// A file of longs a consumer appends to: [count][item 0][item 1]... The item is written before the count
/// (commit last), so whatever the count says survives a kill -9 of the writer.
/// </summary>
public sealed class ItemLog : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly long _capacity;
    private long _count;

    public ItemLog(string path, long capacity)
    {
        _capacity = capacity;
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.OpenOrCreate, null, (capacity + 1) * sizeof(long));
        _view = _file.CreateViewAccessor();
        _count = _view.ReadInt64(0);
    }

    public void Append(long item)
    {
        if (_count == _capacity)
            throw new InvalidOperationException("item log full");
        _view.Write((_count + 1) * sizeof(long), item);
        _count++;
        Thread.MemoryBarrier();
        _view.Write(0, _count);
    }

    /// <summary>Reads a log written by a (possibly dead) worker.</summary>
    public static long[] Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        long count = BitConverter.ToInt64(bytes, 0);
        var items = new long[count];
        for (long i = 0; i < count; i++)
            items[i] = BitConverter.ToInt64(bytes, (int)((i + 1) * sizeof(long)));
        return items;
    }

    public void Dispose()
    {
        _view.Dispose();
        _file.Dispose();
    }
}
