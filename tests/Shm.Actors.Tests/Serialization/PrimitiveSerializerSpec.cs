using System.Buffers;
using System.Runtime.Serialization;

namespace Shm.Actors.Tests.Serialization;

public sealed class PrimitiveSerializerSpec : ActorSpec
{
    public static TheoryData<object> Primitives => new()
    {
        int.MinValue, 0, int.MaxValue,
        long.MinValue, long.MaxValue,
        short.MinValue, short.MaxValue,
        (byte)0, byte.MaxValue,
        sbyte.MinValue, (sbyte)-1,
        ushort.MaxValue, uint.MaxValue, ulong.MaxValue,
        true, false,
        'a', 'é', '\uffff',
        float.MinValue, 3.25f, float.NaN, float.NegativeInfinity,
        double.Epsilon, -1.5e300, double.NaN,
        decimal.MaxValue, decimal.MinValue, -0.000001m, 1234.5678m,
        Guid.Empty, new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"),
    };

    public static TheoryData<string> Strings => new() { "", "hello", "héllo wörld ✓ 日本語 🎉", new string('x', 100_000) };

    public static TheoryData<byte[]> ByteArrays => new() { Array.Empty<byte>(), new byte[] { 0, 1, 2, 255 }, Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray() };

    [Theory]
    [MemberData(nameof(Primitives))]
    public void Every_primitive_round_trips_with_the_primitive_serializer(object value)
    {
        object back = Sys.RoundTrip(value, out int serializerId, out string manifest);

        Assert.Equal(100, serializerId);
        Assert.NotEmpty(manifest);
        Assert.IsType(value.GetType(), back);
        Assert.Equal(value, back);
    }

    [Theory]
    [MemberData(nameof(Strings))]
    public void Strings_round_trip_as_utf8_including_empty_and_non_ascii(string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Sys.Serialization.Serialize(value, buffer, out int serializerId, out string manifest);

        Assert.Equal(100, serializerId);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(value), buffer.WrittenSpan.ToArray());
        Assert.Equal(value, Sys.Serialization.Deserialize(buffer.WrittenSpan, serializerId, manifest));
    }

    [Theory]
    [MemberData(nameof(ByteArrays))]
    public void Byte_arrays_round_trip_as_their_bytes_including_empty(byte[] value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Sys.Serialization.Serialize(value, buffer, out int serializerId, out string manifest);

        Assert.Equal(value, buffer.WrittenSpan.ToArray());
        Assert.Equal(value, Assert.IsType<byte[]>(Sys.Serialization.Deserialize(buffer.WrittenSpan, serializerId, manifest)));
    }

    [Fact]
    public void Numbers_are_written_as_little_endian_bytes_with_a_short_manifest()
    {
        var buffer = new ArrayBufferWriter<byte>();
        Sys.Serialization.Serialize(0x01020304, buffer, out _, out string manifest);

        Assert.Equal(new byte[] { 4, 3, 2, 1 }, buffer.WrittenSpan.ToArray());
        Assert.Equal("i32", manifest);
    }

    [Fact]
    public void A_payload_of_the_wrong_length_is_a_clear_error()
    {
        var e = Assert.Throws<SerializationException>(() => Sys.Serialization.Deserialize([1, 2, 3], 100, "i32"));
        Assert.Contains("'i32' must be 4 bytes; it is 3", e.Message);
    }

    [Fact]
    public void Invalid_utf8_is_an_error_not_replacement_characters()
    {
        var e = Assert.Throws<SerializationException>(() => Sys.Serialization.Deserialize([0xC3, 0x28], 100, "str"));
        Assert.Contains("not valid UTF-8", e.Message);
    }

    [Fact]
    public void An_unknown_primitive_manifest_names_it_and_the_known_ones()
    {
        var e = Assert.Throws<SerializationException>(() => Sys.Serialization.Deserialize([1], 100, "i128"));
        Assert.Contains("'i128'", e.Message);
        Assert.Contains("i64", e.Message);
    }

    [Fact]
    public void The_byte_array_bridge_reads_by_type()
    {
        Shm.Actors.Serialization.Serializer serializer = Sys.Serialization.FindSerializerFor(42L);
        byte[] bytes = serializer.ToBinary(42L);

        Assert.Equal(8, bytes.Length);
        Assert.Equal(42L, serializer.FromBinary(bytes, typeof(long)));
    }
}
