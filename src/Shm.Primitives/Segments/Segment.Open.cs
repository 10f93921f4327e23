using System.Globalization;
using System.Text;
using Shm.Primitives.Interop;
using H = Shm.Primitives.Segments.SegmentHeaderLayout;

namespace Shm.Primitives.Segments;

internal sealed unsafe partial class Segment
{
    private const int MaxOpenAttempts = 16;

    /// <summary>How a factory attaches: MemoryMappedFile's three modes.</summary>
    public enum AttachMode
    {
        CreateNew,
        OpenExisting,
        CreateOrOpen,
    }

    /// <summary>
    /// Creates or opens a file-backed segment. <paramref name="requested"/> is the geometry to create with (null
    /// for OpenExisting). Race-free: the file is created with O_EXCL and initialised under flock(LOCK_EX), and an
    /// opener takes the same lock before reading the header, so concurrent creators agree on one geometry.
    /// </summary>
    public static Segment Attach(string name, AttachMode mode, SegmentLayoutRules rules, SegmentGeometry? requested, SegmentOptions? options)
    {
        OpenFlags.EnsureSupportedPlatform();
        options ??= SegmentOptions.Default;
        string path = SegmentName.Resolve(name, options);
        int follow = SegmentName.IsDescriptorLink(path) ? 0 : OpenFlags.NoFollow;
        int baseFlags = OpenFlags.ReadWrite | OpenFlags.CloseOnExec | follow;

        int fd = -1;
        bool created = false;
        for (int attempt = 0; fd < 0; attempt++)
        {
            if (attempt == MaxOpenAttempts)
                ThrowHelper.ThrowIo("open", path, Libc.ENOENT);
            if (mode != AttachMode.OpenExisting)
            {
                fd = Libc.Open(path, baseFlags | OpenFlags.Create | OpenFlags.Exclusive, (uint)options.Mode);
                if (fd >= 0)
                {
                    created = true;
                    break;
                }
                int createErrno = Libc.LastError;
                if (createErrno != Libc.EEXIST)
                    ThrowHelper.ThrowIo("open (create)", path, createErrno);
                if (mode == AttachMode.CreateNew)
                    throw new IOException(ThrowHelper.Format(SR.Segment_Exists, path), Libc.EEXIST);
            }

            fd = Libc.Open(path, baseFlags, 0);
            if (fd >= 0)
                break;
            int errno = Libc.LastError;
            if (errno != Libc.ENOENT)
                ThrowHelper.ThrowIo("open", path, errno);
            if (mode == AttachMode.OpenExisting)
                throw new FileNotFoundException(ThrowHelper.Format(SR.Segment_NotFound, path), path);
            // The file vanished between our two opens (someone unlinked it): try to create it again.
        }

        bool guarded = false;
        try
        {
            LockExclusive(fd, path);
            if (created)
                ApplyCreationOptions(fd, path, options);
            FileStatus status = Stat(fd, path);
            CheckFileAndOwner(status, path, options);
            Segment segment = MapValidated(fd, status, path, path, rules, mode == AttachMode.OpenExisting ? null : requested, descriptor: -1, ownsDescriptor: false);
            guarded = options.GuardAgainstTruncation && SegmentTruncationGuard.Watch(segment, fd);
            return segment;
        }
        finally
        {
            Libc.Flock(fd, Libc.LOCK_UN);
            if (!guarded)
                Libc.Close(fd);
        }
    }

    /// <summary>
    /// Creates an anonymous segment in a memfd (no file name). The descriptor is inheritable (no CLOEXEC) so
    /// child processes started afterwards receive it at the same number, and it is sealed against shrinking
    /// and growing so no holder can pull memory out from under another.
    /// </summary>
    public static Segment CreateMemfd(string debugName, SegmentLayoutRules rules, SegmentGeometry geometry)
    {
        OpenFlags.EnsureSupportedPlatform();
        ArgumentException.ThrowIfNullOrWhiteSpace(debugName);
        int fd = Libc.MemfdCreate(debugName, Libc.MFD_ALLOW_SEALING);
        string display = "memfd:" + debugName;
        if (fd < 0)
            ThrowHelper.ThrowIo("memfd_create", display, Libc.LastError);
        try
        {
            FileStatus status = Stat(fd, display);
            Segment segment = MapValidated(fd, status, display, null, rules, geometry, descriptor: fd, ownsDescriptor: true);
            if (Libc.Fcntl(fd, Libc.F_ADD_SEALS, Libc.F_SEAL_SHRINK | Libc.F_SEAL_GROW | Libc.F_SEAL_SEAL) != 0)
            {
                int errno = Libc.LastError;
                segment.Dispose();
                ThrowHelper.ThrowIo("fcntl(F_ADD_SEALS)", display, errno);
            }
            return segment;
        }
        catch
        {
            Libc.Close(fd);
            throw;
        }
    }

    /// <summary>
    /// Opens a segment from a descriptor the caller owns (an inherited memfd, or any descriptor of a segment
    /// file). The descriptor stays the caller's: it is never closed here.
    /// </summary>
    public static Segment OpenDescriptor(int descriptor, SegmentLayoutRules rules, SegmentOptions? options)
    {
        OpenFlags.EnsureSupportedPlatform();
        ArgumentOutOfRangeException.ThrowIfNegative(descriptor);
        options ??= SegmentOptions.Default;
        string display = "fd:" + descriptor.ToString(CultureInfo.InvariantCulture);
        FileStatus status = Stat(descriptor, display);
        CheckFileAndOwner(status, display, options);
        return MapValidated(descriptor, status, display, null, rules, requested: null, descriptor: -1, ownsDescriptor: false);
    }

    private static Segment MapValidated(int fd, in FileStatus status, string display, string? path, SegmentLayoutRules rules,
        SegmentGeometry? requested, int descriptor, bool ownsDescriptor)
    {
        long fileSize = status.Size;
        // Decide by what the file holds, not by who created it: between our O_EXCL create and our flock another
        // opener may have taken the lock first and initialised the segment; re-initialising it would wipe its state.
        if (fileSize == 0)
        {
            if (requested is not { } geometry)
                throw new InvalidDataException(ThrowHelper.Format(SR.Segment_NeverInitialised, display));
            return CreateLayout(fd, display, path, rules, geometry, descriptor, ownsDescriptor);
        }

        if (fileSize < H.Size)
            throw new InvalidDataException(ThrowHelper.Format(SR.Segment_Truncated, display, fileSize, H.Size));

        byte* mapped = Map(fd, fileSize, display);
        try
        {
            ulong magic = Volatile.Read(ref *(ulong*)mapped); // acquire: pairs with the creator's release of the magic
            if (magic == 0)
            {
                bool headerZero = new ReadOnlySpan<byte>(mapped, H.Size).IndexOfAnyExcept((byte)0) < 0;
                if (!headerZero)
                    throw new InvalidDataException(ThrowHelper.Format(SR.Segment_PartlyWritten, display));
                // Sized but never written: a creator died between ftruncate and its first header store. We hold
                // the creation lock and the file is ours (owner checked), so finish the creation.
                if (requested is not { } geometry || geometry.TotalSize != fileSize)
                    throw new InvalidDataException(ThrowHelper.Format(SR.Segment_NeverInitialised, display));
                Libc.MUnmap((nint)mapped, (nuint)fileSize);
                mapped = null;
                return CreateLayout(fd, display, path, rules, geometry, descriptor, ownsDescriptor);
            }

            SegmentGeometry validated = ValidateHeader(mapped, fileSize, display, rules, magic);
            return new Segment(display, path, mapped, fileSize, validated, descriptor, ownsDescriptor);
        }
        catch
        {
            if (mapped != null)
                Libc.MUnmap((nint)mapped, (nuint)fileSize);
            throw;
        }
    }

    private static Segment CreateLayout(int fd, string display, string? path, SegmentLayoutRules rules, in SegmentGeometry geometry, int descriptor, bool ownsDescriptor)
    {
        if (Libc.FTruncate(fd, geometry.TotalSize) != 0)
            ThrowHelper.ThrowIo("ftruncate", display, Libc.LastError);
        // Reserve the pages now: on a full tmpfs a later first touch would be SIGBUS, here it is an exception.
        if (Libc.FAllocate(fd, 0, 0, geometry.TotalSize) != 0)
        {
            int errno = Libc.LastError;
            if (errno != Libc.EOPNOTSUPP && errno != Libc.ENOSYS)
                ThrowHelper.ThrowIo("fallocate", display, errno);
        }

        byte* mapped = Map(fd, geometry.TotalSize, display);
        try
        {
            WriteHeaderExceptMagic(mapped, geometry);
            rules.Initialize(mapped, geometry);
            // Commit last: the magic makes the segment valid. Release: every store above is visible to whoever
            // reads the magic with acquire (MapValidated). A crash before this line leaves magic 0: "partly written".
            Volatile.Write(ref *(ulong*)mapped, H.Magic);
            return new Segment(display, path, mapped, geometry.TotalSize, geometry, descriptor, ownsDescriptor);
        }
        catch
        {
            Libc.MUnmap((nint)mapped, (nuint)geometry.TotalSize);
            throw;
        }
    }

    private static void WriteHeaderExceptMagic(byte* b, in SegmentGeometry g)
    {
        *(uint*)(b + H.VersionOffset) = g.Version;
        *(uint*)(b + H.KindOffset) = (uint)g.Kind;
        *(uint*)(b + H.ElementSizeOffset) = (uint)g.Element.Size;
        *(uint*)(b + H.ElementTypeTagOffset) = g.Element.Tag;
        *(long*)(b + H.CapacityOffset) = g.Capacity;
        *(long*)(b + H.TotalSizeOffset) = g.TotalSize;
        *(long*)(b + H.Parameter1Offset) = g.Parameter1;
        *(long*)(b + H.Parameter2Offset) = g.Parameter2;
        *(int*)(b + H.CreatorProcessIdOffset) = ProcessIdentity.CurrentProcessId;
        *(ulong*)(b + H.CreatorStartTimeOffset) = ProcessIdentity.CurrentStartTime;
        *(long*)(b + H.CreatedUnixMsOffset) = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var name = new Span<byte>(b + H.ElementTypeNameOffset, H.ElementTypeNameSize - 1); // keep a final NUL
        Encoding.UTF8.GetBytes(g.Element.Name.AsSpan(0, Math.Min(g.Element.Name.Length, name.Length)), name);
    }

    private static SegmentGeometry ValidateHeader(byte* b, long fileSize, string display, SegmentLayoutRules rules, ulong magic)
    {
        if (magic == H.TruncatedMagic)
            throw new ShmCorruptedException(ThrowHelper.Format(SR.Segment_TruncatedOnOpen, display));
        if (magic != H.Magic)
            throw new InvalidDataException(ThrowHelper.Format(SR.Segment_NotASegment, display, "0x" + magic.ToString("X16", CultureInfo.InvariantCulture), "0x" + H.Magic.ToString("X16", CultureInfo.InvariantCulture)));

        uint version = *(uint*)(b + H.VersionOffset);
        var kind = (SegmentKind)(*(uint*)(b + H.KindOffset));
        if (kind != rules.Kind)
            throw new InvalidDataException(ThrowHelper.Format(SR.Segment_KindMismatch, display, DescribeKind(kind), DescribeKind(rules.Kind)));
        if (version != rules.Version)
            throw new InvalidDataException(ThrowHelper.Format(SR.Segment_VersionMismatch, display, version, rules.Version));

        int elementSize = *(int*)(b + H.ElementSizeOffset);
        uint tag = *(uint*)(b + H.ElementTypeTagOffset);
        ElementType expected = rules.Element;
        if (elementSize != expected.Size || tag != expected.Tag)
        {
            string storedName = ReadTypeName(b);
            throw new InvalidDataException(ThrowHelper.Format(SR.Segment_ElementMismatch, display, storedName, elementSize, rules.DisplayName, expected.Name, expected.Size));
        }

        long capacity = *(long*)(b + H.CapacityOffset);
        long totalSize = *(long*)(b + H.TotalSizeOffset);
        long parameter1 = *(long*)(b + H.Parameter1Offset);
        long parameter2 = *(long*)(b + H.Parameter2Offset);
        long needed = rules.ComputeTotalSize(capacity, parameter1, parameter2);
        if (needed < 0)
            throw new ShmCorruptedException(ThrowHelper.Format(SR.Segment_FieldInvalid, display,
                "the geometry (capacity " + capacity.ToString(CultureInfo.InvariantCulture) + ", parameters " + parameter1.ToString(CultureInfo.InvariantCulture) + ", " + parameter2.ToString(CultureInfo.InvariantCulture) + ")",
                "invalid", rules.DescribeValidGeometry()));
        if (totalSize != needed || fileSize != needed)
            throw new ShmCorruptedException(ThrowHelper.Format(SR.Segment_SizeMismatch, display, totalSize, needed, fileSize));

        return new SegmentGeometry(kind, version, expected, capacity, parameter1, parameter2, totalSize);
    }

    private static string ReadTypeName(byte* b)
    {
        var span = new ReadOnlySpan<byte>(b + H.ElementTypeNameOffset, H.ElementTypeNameSize);
        int end = span.IndexOf((byte)0);
        string text = Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
        return text.Length == 0 ? "(unnamed)" : text;
    }

    private static string DescribeKind(SegmentKind kind) => Enum.IsDefined(kind)
        ? kind.ToString()
        : "unknown kind " + ((uint)kind).ToString(CultureInfo.InvariantCulture);

    private static byte* Map(int fd, long length, string display)
    {
        nint address = Libc.MMap(0, (nuint)length, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0);
        if (address == -1)
            ThrowHelper.ThrowIo("mmap", display, Libc.LastError);
        return (byte*)address;
    }

    private static void LockExclusive(int fd, string display)
    {
        while (Libc.Flock(fd, Libc.LOCK_EX) != 0)
        {
            int errno = Libc.LastError;
            if (errno != Libc.EINTR)
                ThrowHelper.ThrowIo("flock", display, errno);
        }
    }

    private static void ApplyCreationOptions(int fd, string display, SegmentOptions options)
    {
        // open() applies the umask; fchmod sets exactly what was asked for (e.g. group read/write).
        if (Libc.FChmod(fd, (uint)options.Mode) != 0)
            ThrowHelper.ThrowIo("fchmod", display, Libc.LastError);
        if (options.GroupId is int group && Libc.FChown(fd, uint.MaxValue, (uint)group) != 0)
            ThrowHelper.ThrowIo("fchown", display, Libc.LastError);
    }

    private static FileStatus Stat(int fd, string display)
    {
        if (!FileStatus.TryGet(fd, out FileStatus status, out int errno))
            ThrowHelper.ThrowIo("fstat", display, errno);
        return status;
    }

    private static void CheckFileAndOwner(in FileStatus status, string display, SegmentOptions options)
    {
        if (!status.IsRegularFile)
            throw new InvalidDataException(ThrowHelper.Format(SR.Segment_NotRegularFile, display, status.FileTypeName));
        uint me = Libc.GetEuid();
        if (status.OwnerId != me && !options.AllowForeignOwner)
            throw new UnauthorizedAccessException(ThrowHelper.Format(SR.Segment_ForeignOwner, display, status.OwnerId, me));
    }
}
