using System.Buffers.Binary;

namespace Shm.Cli.Tests;

/// <summary>Damages segment files on purpose, through the header layout the segment layer documents.</summary>
public static class SegmentFiles
{
    // From the diagram in src/Shm.Primitives/Segments/SegmentHeaderLayout.cs (internal to Shm.Primitives).
    public const int MagicOffset = 0;
    public const int CapacityOffset = 24;

    /// <summary>Writes a little-endian 64-bit value into the header of the file at <paramref name="path"/>.</summary>
    public static void OverwriteHeaderField(string path, int offset, long value)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        file.Seek(offset, SeekOrigin.Begin);
        file.Write(bytes);
    }
}
