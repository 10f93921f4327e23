using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Shm.Actors.Serialization;

/// <summary>
/// The few encodings the built-in serializers share, written straight into an <see cref="IBufferWriter{T}"/>: little-endian
/// integers and strings as an <see cref="int"/> byte count (-1 for null) followed by UTF-8. <see cref="WireReader"/> reads them.
/// </summary>
internal static class WireWriter
{
    /// <summary>The byte count that marks a null string.</summary>
    public const int NullLength = -1;

    public static void WriteByte(IBufferWriter<byte> writer, byte value)
    {
        writer.GetSpan(sizeof(byte))[0] = value;
        writer.Advance(sizeof(byte));
    }

    public static void WriteInt32(IBufferWriter<byte> writer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(writer.GetSpan(sizeof(int)), value);
        writer.Advance(sizeof(int));
    }

    public static void WriteString(IBufferWriter<byte> writer, string? value)
    {
        if (value is null)
        {
            WriteInt32(writer, NullLength);
            return;
        }
        WriteInt32(writer, Encoding.UTF8.GetByteCount(value));
        WriteUtf8(writer, value);
    }

    /// <summary>The UTF-8 bytes of <paramref name="value"/>, without a length (the payload's end is the string's end).</summary>
    public static void WriteUtf8(IBufferWriter<byte> writer, string value) => Encoding.UTF8.GetBytes(value.AsSpan(), writer);
}
