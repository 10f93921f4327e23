using System.Buffers.Binary;
using System.Text;

namespace Shm.Actors.Serialization;

/// <summary>
/// Reads what <see cref="WireWriter"/> wrote, checking every length against the bytes left: a short or corrupt payload is
/// a <see cref="global::System.Runtime.Serialization.SerializationException"/> naming the field, never an out-of-range read.
/// </summary>
internal ref struct WireReader
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _bytes;
    private readonly string _what;
    private int _position;

    /// <param name="bytes">The payload.</param>
    /// <param name="what">What the payload holds, for error messages (e.g. <c>Status.Failure</c>).</param>
    public WireReader(ReadOnlySpan<byte> bytes, string what)
    {
        _bytes = bytes;
        _what = what;
    }

    /// <summary>The bytes not read yet.</summary>
    public readonly ReadOnlySpan<byte> Remaining => _bytes[_position..];

    public byte ReadByte(string field) => Take(field, sizeof(byte))[0];

    public int ReadInt32(string field) => BinaryPrimitives.ReadInt32LittleEndian(Take(field, sizeof(int)));

    public string? ReadString(string field)
    {
        int length = ReadInt32(field);
        if (length == WireWriter.NullLength) return null;
        if (length < 0) ThrowHelper.ThrowCorruptPayload(_what, $"the byte count of {field}", length, "-1 (null) or more");
        return DecodeUtf8(Take(field, length), _what);
    }

    /// <summary>Strict UTF-8 (invalid bytes are an error, not U+FFFD).</summary>
    public static string DecodeUtf8(ReadOnlySpan<byte> bytes, string what)
    {
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw ThrowHelper.CreateInvalidUtf8(what, e);
        }
    }

    private ReadOnlySpan<byte> Take(string field, int length)
    {
        int remaining = _bytes.Length - _position;
        if (length > remaining) ThrowHelper.ThrowTruncatedPayload(_what, field, _position, length, remaining);
        ReadOnlySpan<byte> slice = _bytes.Slice(_position, length);
        _position += length;
        return slice;
    }
}
