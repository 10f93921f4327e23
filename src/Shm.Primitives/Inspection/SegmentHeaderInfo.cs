using System.Buffers.Binary;
using System.Text;
using Shm.Primitives.Segments;
using H = Shm.Primitives.Segments.SegmentHeaderLayout;

namespace Shm.Primitives.Inspection;

/// <summary>
/// The header fields of a segment as stored, copied out of the file or mapping for display. Nothing here is trusted:
/// <see cref="InspectedSegment"/> validates the header through the segment layer before it reads anything else.
/// </summary>
internal sealed record SegmentHeaderInfo(
    bool HasMagic,
    uint Version,
    uint KindValue,
    int ElementSize,
    uint ElementTypeTag,
    string ElementTypeName,
    long Capacity,
    long TotalSize,
    long Parameter1,
    long Parameter2,
    int CreatorProcessId,
    ulong CreatorStartTime,
    long CreatedUnixMs)
{
    /// <summary>The kind, when it is one this build knows.</summary>
    public SegmentKind? Kind => Enum.IsDefined((SegmentKind)KindValue) ? (SegmentKind)KindValue : null;

    /// <summary>The kind's name, or "unknown (n)".</summary>
    public string KindName => Kind?.ToString() ?? "unknown (" + KindValue + ")";

    /// <summary>Whether every byte of the header is zero (a creator died before writing any of it).</summary>
    public bool IsBlank { get; init; }

    /// <summary>
    /// Magic still zero but other fields written: a creator died after writing the header and before publishing it
    /// (the segment layer refuses such a file as "partly initialised"). Its creator fields name who that was.
    /// </summary>
    public bool IsPartlyWritten { get; init; }

    /// <summary>The creator's identity in the owner-word form ProcessIdentity compares.</summary>
    public ulong CreatorOwner => ProcessIdentity.ToOwner(CreatorProcessId, CreatorStartTime);

    /// <summary>Reads a header from its first <see cref="SegmentHeaderLayout.Size"/> bytes (little-endian).</summary>
    public static SegmentHeaderInfo Parse(ReadOnlySpan<byte> header)
    {
        if (header.Length < H.Size)
            throw new ArgumentException($"A segment header is {H.Size} bytes; {header.Length} were given.", nameof(header));
        ReadOnlySpan<byte> name = header.Slice(H.ElementTypeNameOffset, H.ElementTypeNameSize);
        int end = name.IndexOf((byte)0);
        ulong magic = BinaryPrimitives.ReadUInt64LittleEndian(header[H.MagicOffset..]);
        bool blank = header[..H.Size].IndexOfAnyExcept((byte)0) < 0;
        return new SegmentHeaderInfo(
            magic == H.Magic,
            BinaryPrimitives.ReadUInt32LittleEndian(header[H.VersionOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[H.KindOffset..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[H.ElementSizeOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[H.ElementTypeTagOffset..]),
            Encoding.UTF8.GetString(end < 0 ? name : name[..end]),
            BinaryPrimitives.ReadInt64LittleEndian(header[H.CapacityOffset..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[H.TotalSizeOffset..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[H.Parameter1Offset..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[H.Parameter2Offset..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[H.CreatorProcessIdOffset..]),
            BinaryPrimitives.ReadUInt64LittleEndian(header[H.CreatorStartTimeOffset..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[H.CreatedUnixMsOffset..]))
        {
            IsBlank = blank,
            IsPartlyWritten = magic == 0 && !blank,
        };
    }

    /// <summary>
    /// Reads the header of the file at <paramref name="path"/> without mapping or locking it (read-only open, no
    /// symlink following). Returns null, with the reason, when the file is shorter than a header or cannot be read.
    /// </summary>
    public static SegmentHeaderInfo? TryReadFile(string path, out string? problem)
    {
        problem = null;
        try
        {
            using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete });
            Span<byte> buffer = stackalloc byte[H.Size];
            int read = file.ReadAtLeast(buffer, H.Size, throwOnEndOfStream: false);
            if (read < H.Size)
            {
                problem = read == 0 ? "empty file" : $"{read} bytes, shorter than the {H.Size}-byte header";
                return null;
            }
            return Parse(buffer);
        }
        catch (UnauthorizedAccessException)
        {
            problem = "permission denied";
            return null;
        }
        catch (IOException error)
        {
            problem = error.Message;
            return null;
        }
    }
}
