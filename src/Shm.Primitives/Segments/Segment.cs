using System.Runtime.CompilerServices;
using Shm.Primitives.Interop;

namespace Shm.Primitives.Segments;

/// <summary>
/// A mapped, validated shared-memory segment: the memory every primitive is laid out in. Creation, opening and
/// header validation live in Segment.Open.cs; this file holds the mapping's lifetime.
/// </summary>
/// <remarks>
/// A file-backed segment keeps a descriptor of its file for <see cref="SegmentTruncationGuard"/>, which puts the
/// size back if another process shrinks the file. A memfd segment keeps its descriptor because that descriptor
/// is how other processes reach it (it is sealed, so it cannot shrink); it is closed on dispose only if this
/// segment created it.
/// </remarks>
internal sealed unsafe partial class Segment : IDisposable
{
    private const int Live = 0;
    private const int Disposed = 1;
    private const int Truncated = 2;

    private byte* _base;
    private readonly int _descriptor;
    private readonly bool _ownsDescriptor;
    private int _guardedDescriptor = -1;
    private int _state;
    private long _truncatedTo = -1;
    private Action? _truncationObserved;

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

    public bool IsDisposed => Volatile.Read(ref _state) == Disposed;

    /// <summary>Whether another process shrank the file while this segment was mapped (see <see cref="SegmentTruncationGuard"/>).</summary>
    public bool IsTruncated => Volatile.Read(ref _state) == Truncated;

    /// <summary>
    /// Runs once when a truncation is observed, on the guard's thread: primitives wake their sleepers so they see
    /// <see cref="ThrowIfUnusable"/> fail instead of sleeping on a segment whose contents are gone.
    /// </summary>
    public event Action? TruncationObserved
    {
        add => _truncationObserved += value;
        remove => _truncationObserved -= value;
    }

    /// <summary>Start of the mapping. Callers derive addresses only from validated geometry.</summary>
    public byte* Base
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _base;
    }

    /// <summary>msync(MS_SYNC): writes the mapping to its file (meaningful for files outside tmpfs).</summary>
    public void Flush()
    {
        ThrowIfUnusable();
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

    /// <summary>
    /// Throws <see cref="ObjectDisposedException"/> after Dispose and <see cref="ShmCorruptedException"/> once the
    /// file was truncated under this mapping. One read of a field that changes at most twice: cheap enough for
    /// every operation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ThrowIfUnusable()
    {
        if (Volatile.Read(ref _state) != Live)
            ThrowUnusable();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowUnusable()
    {
        if (Volatile.Read(ref _state) == Disposed)
            ThrowHelper.ThrowObjectDisposed(Name);
        long truncatedTo = Volatile.Read(ref _truncatedTo);
        throw new ShmCorruptedException(truncatedTo >= 0
            ? ThrowHelper.Format(SR.Segment_TruncatedWhileMapped, Name, truncatedTo, Length)
            : ThrowHelper.Format(SR.Segment_TruncatedElsewhere, Name, Length));
    }

    /// <summary>Hands the segment's file descriptor to the truncation guard; the segment closes it on dispose.</summary>
    internal void KeepGuardedDescriptor(int fd) => _guardedDescriptor = fd;

    /// <summary>
    /// The guard saw the file at <paramref name="observedSize"/> bytes (-1: another process had already put the
    /// size back): the contents are gone, so the segment is unusable.
    /// </summary>
    internal void MarkTruncated(long observedSize)
    {
        // Only the guard's thread calls this, so the size is written once, before the state that publishes it.
        if (Volatile.Read(ref _state) != Live)
            return;
        Volatile.Write(ref _truncatedTo, observedSize);
        if (Interlocked.CompareExchange(ref _state, Truncated, Live) == Live)
            _truncationObserved?.Invoke();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _state, Disposed) == Disposed)
            return;
        if (_guardedDescriptor >= 0)
        {
            SegmentTruncationGuard.Forget(this); // before the close: the guard never uses a closed descriptor
            Libc.Close(_guardedDescriptor);
        }
        byte* mapped = _base;
        _base = null;
        Libc.MUnmap((nint)mapped, (nuint)Length);
        if (_ownsDescriptor)
            Libc.Close(_descriptor);
    }
}
