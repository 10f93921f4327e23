using System.Runtime.CompilerServices;
using Shm.Primitives.Interop;

namespace Shm.Primitives.Segments;

/// <summary>
/// A mapped, validated shared-memory segment: the memory every primitive is laid out in. Creation, opening and
/// header validation live in Segment.Open.cs; this file holds the mapping's lifetime.
/// </summary>
/// <remarks>
/// A file-backed segment keeps no descriptor after mapping (the mapping holds the file). A memfd segment
/// keeps its descriptor because that descriptor is how other processes reach it; it is closed on dispose
/// only if this segment created it.
/// </remarks>
internal sealed unsafe partial class Segment : IDisposable
{
    private byte* _base;
    private readonly int _descriptor;
    private readonly bool _ownsDescriptor;
    private int _disposed;

    private Segment(string name, string? path, byte* mappedBase, long length, SegmentGeometry geometry, int descriptor, bool ownsDescriptor)
    {
        Name = name;
        Path = path;
        _base = mappedBase;
        Length = length;
        Geometry = geometry;
        _descriptor = descriptor;
        _ownsDescriptor = ownsDescriptor;
    }

    /// <summary>The name used in messages: the path, or "memfd:&lt;name&gt;" / "fd:&lt;n&gt;".</summary>
    public string Name { get; }

    /// <summary>The backing file's path, or null for a descriptor-backed segment.</summary>
    public string? Path { get; }

    /// <summary>Bytes mapped (the file size, validated against the geometry).</summary>
    public long Length { get; }

    /// <summary>The validated geometry from the header; never re-read from shared memory.</summary>
    public SegmentGeometry Geometry { get; }

    /// <summary>The memfd descriptor other processes can inherit or open through /proc, or -1.</summary>
    public int Descriptor => _descriptor;

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Start of the mapping. Callers derive addresses only from validated geometry.</summary>
    public byte* Base
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _base;
    }

    /// <summary>msync(MS_SYNC): writes the mapping to its file (meaningful for files outside tmpfs).</summary>
    public void Flush()
    {
        ThrowIfDisposed();
        if (Libc.MSync((nint)_base, (nuint)Length, Libc.MS_SYNC) != 0)
            ThrowHelper.ThrowIo("msync", Name, Libc.LastError);
    }

    /// <summary>Removes the backing file's name; mapped users keep working. False for memfd segments or a missing file.</summary>
    public bool Unlink() => Path is not null && UnlinkPath(Path, Name);

    /// <summary>Removes a segment file by name or path; false if it did not exist.</summary>
    public static bool Unlink(string name, SegmentOptions? options)
    {
        string path = SegmentName.Resolve(name, options ?? SegmentOptions.Default);
        return UnlinkPath(path, path);
    }

    private static bool UnlinkPath(string path, string displayName)
    {
        if (Libc.Unlink(path) == 0)
            return true;
        int errno = Libc.LastError;
        if (errno == Libc.ENOENT)
            return false;
        ThrowHelper.ThrowIo("unlink", displayName, errno);
        return false;
    }

    public void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
            ThrowHelper.ThrowObjectDisposed(Name);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        byte* mapped = _base;
        _base = null;
        Libc.MUnmap((nint)mapped, (nuint)Length);
        if (_ownsDescriptor)
            Libc.Close(_descriptor);
    }
}
