using System.IO.MemoryMappedFiles;

namespace Shm.Chaos;

/// <summary>
/// A few counters a worker keeps in a file it maps, so they survive its crash: the campaign reads what a worker had
/// counted up to the moment it died.
/// </summary>
public sealed class SharedCounters : IDisposable
{
    public const int Operations = 0;
    public const int Exceptions = 1;
    public const int Repairs = 2;
    public const int Mutations = 3;
    private const int Count = 4;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly unsafe byte* _pointer;

    public unsafe SharedCounters(string path)
    {
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.OpenOrCreate, null, Count * sizeof(long));
        _view = _file.CreateViewAccessor();
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _pointer = pointer + _view.PointerOffset;
    }

    public unsafe void Add(int counter, long value) => Interlocked.Add(ref ((long*)_pointer)[counter], value);

    public static long[] Read(string path)
    {
        var values = new long[Count];
        if (!File.Exists(path))
            return values;
        byte[] bytes = File.ReadAllBytes(path);
        for (int i = 0; i < Count && (i + 1) * sizeof(long) <= bytes.Length; i++)
            values[i] = BitConverter.ToInt64(bytes, i * sizeof(long));
        return values;
    }

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
