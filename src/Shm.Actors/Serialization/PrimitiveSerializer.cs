using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Frozen;

namespace Shm.Actors.Serialization;

/// <summary>
/// Built-in serializer 100: the numeric primitives, <see cref="bool"/>, <see cref="char"/>, <see cref="decimal"/>,
/// <see cref="Guid"/>, <see cref="string"/> and <c>byte[]</c>, each as its raw little-endian bytes (strings as UTF-8,
/// arrays as they are) with a short manifest naming the type. No length prefix: the transport frames the payload.
/// </summary>
internal sealed class PrimitiveSerializer(ActorSystem system) : Serializer(system)
{
    public const int Id = 100;

    // Wire tags: part of the protocol between processes, never renamed.
    private const string Int32Manifest = "i32";
    private const string Int64Manifest = "i64";
    private const string Int16Manifest = "i16";
    private const string SByteManifest = "i8";
    private const string UInt32Manifest = "u32";
    private const string UInt64Manifest = "u64";
    private const string UInt16Manifest = "u16";
    private const string ByteManifest = "u8";
    private const string BooleanManifest = "bool";
    private const string CharManifest = "char";
    private const string SingleManifest = "f32";
    private const string DoubleManifest = "f64";
    private const string DecimalManifest = "dec";
    private const string GuidManifest = "guid";
    private const string StringManifest = "str";
    private const string BytesManifest = "bytes";

    private const int DecimalSize = 4 * sizeof(int);
    private const int GuidSize = 16;

    /// <summary>The types this serializer is bound to, with their manifests.</summary>
    public static readonly FrozenDictionary<Type, string> Manifests = new Dictionary<Type, string>
    {
        [typeof(int)] = Int32Manifest,
        [typeof(long)] = Int64Manifest,
        [typeof(short)] = Int16Manifest,
        [typeof(sbyte)] = SByteManifest,
        [typeof(uint)] = UInt32Manifest,
        [typeof(ulong)] = UInt64Manifest,
        [typeof(ushort)] = UInt16Manifest,
        [typeof(byte)] = ByteManifest,
        [typeof(bool)] = BooleanManifest,
        [typeof(char)] = CharManifest,
        [typeof(float)] = SingleManifest,
        [typeof(double)] = DoubleManifest,
        [typeof(decimal)] = DecimalManifest,
        [typeof(Guid)] = GuidManifest,
        [typeof(string)] = StringManifest,
        [typeof(byte[])] = BytesManifest,
    }.ToFrozenDictionary();

    public override int Identifier => Id;

    public override bool IncludeManifest => true;

    public override string Manifest(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Manifests.TryGetValue(message.GetType(), out string? manifest)) ThrowHelper.ThrowPrimitiveUnsupported(message.GetType());
        return manifest;
    }

    public override object FromBinary(byte[] bytes, Type type)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(type);
        if (!Manifests.TryGetValue(type, out string? manifest)) ThrowHelper.ThrowPrimitiveUnsupported(type);
        return FromBinary(bytes, manifest);
    }

    public override void ToBinary(object message, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(writer);
        switch (message)
        {
            case string s: WireWriter.WriteUtf8(writer, s); break;
            case byte[] b: writer.Write(b); break;
            case int v: BinaryPrimitives.WriteInt32LittleEndian(writer.GetSpan(sizeof(int)), v); writer.Advance(sizeof(int)); break;
            case long v: BinaryPrimitives.WriteInt64LittleEndian(writer.GetSpan(sizeof(long)), v); writer.Advance(sizeof(long)); break;
            case short v: BinaryPrimitives.WriteInt16LittleEndian(writer.GetSpan(sizeof(short)), v); writer.Advance(sizeof(short)); break;
            case sbyte v: writer.GetSpan(sizeof(sbyte))[0] = unchecked((byte)v); writer.Advance(sizeof(sbyte)); break;
            case uint v: BinaryPrimitives.WriteUInt32LittleEndian(writer.GetSpan(sizeof(uint)), v); writer.Advance(sizeof(uint)); break;
            case ulong v: BinaryPrimitives.WriteUInt64LittleEndian(writer.GetSpan(sizeof(ulong)), v); writer.Advance(sizeof(ulong)); break;
            case ushort v: BinaryPrimitives.WriteUInt16LittleEndian(writer.GetSpan(sizeof(ushort)), v); writer.Advance(sizeof(ushort)); break;
            case byte v: writer.GetSpan(sizeof(byte))[0] = v; writer.Advance(sizeof(byte)); break;
            case bool v: writer.GetSpan(sizeof(bool))[0] = v ? (byte)1 : (byte)0; writer.Advance(sizeof(bool)); break;
            case char v: BinaryPrimitives.WriteUInt16LittleEndian(writer.GetSpan(sizeof(char)), v); writer.Advance(sizeof(char)); break;
            case float v: BinaryPrimitives.WriteSingleLittleEndian(writer.GetSpan(sizeof(float)), v); writer.Advance(sizeof(float)); break;
            case double v: BinaryPrimitives.WriteDoubleLittleEndian(writer.GetSpan(sizeof(double)), v); writer.Advance(sizeof(double)); break;
            case decimal v: WriteDecimal(writer, v); break;
            case Guid v: v.TryWriteBytes(writer.GetSpan(GuidSize)); writer.Advance(GuidSize); break;
            default: ThrowHelper.ThrowPrimitiveUnsupported(message.GetType()); break;
        }
    }

    public override object FromBinary(ReadOnlySpan<byte> bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest switch
        {
            StringManifest => WireReader.DecodeUtf8(bytes, "a string"),
            BytesManifest => bytes.ToArray(),
            Int32Manifest => BinaryPrimitives.ReadInt32LittleEndian(Exactly(bytes, sizeof(int), manifest)),
            Int64Manifest => BinaryPrimitives.ReadInt64LittleEndian(Exactly(bytes, sizeof(long), manifest)),
            Int16Manifest => BinaryPrimitives.ReadInt16LittleEndian(Exactly(bytes, sizeof(short), manifest)),
            SByteManifest => unchecked((sbyte)Exactly(bytes, sizeof(sbyte), manifest)[0]),
            UInt32Manifest => BinaryPrimitives.ReadUInt32LittleEndian(Exactly(bytes, sizeof(uint), manifest)),
            UInt64Manifest => BinaryPrimitives.ReadUInt64LittleEndian(Exactly(bytes, sizeof(ulong), manifest)),
            UInt16Manifest => BinaryPrimitives.ReadUInt16LittleEndian(Exactly(bytes, sizeof(ushort), manifest)),
            ByteManifest => Exactly(bytes, sizeof(byte), manifest)[0],
            BooleanManifest => ReadBoolean(Exactly(bytes, sizeof(bool), manifest)),
            CharManifest => (char)BinaryPrimitives.ReadUInt16LittleEndian(Exactly(bytes, sizeof(char), manifest)),
            SingleManifest => BinaryPrimitives.ReadSingleLittleEndian(Exactly(bytes, sizeof(float), manifest)),
            DoubleManifest => BinaryPrimitives.ReadDoubleLittleEndian(Exactly(bytes, sizeof(double), manifest)),
            DecimalManifest => ReadDecimal(Exactly(bytes, DecimalSize, manifest)),
            GuidManifest => new Guid(Exactly(bytes, GuidSize, manifest)),
            _ => throw ThrowHelper.CreatePrimitiveUnknownManifest(manifest),
        };
    }

    private static void WriteDecimal(IBufferWriter<byte> writer, decimal value)
    {
        Span<int> bits = stackalloc int[DecimalSize / sizeof(int)];
        decimal.GetBits(value, bits);
        Span<byte> span = writer.GetSpan(DecimalSize);
        for (int i = 0; i < bits.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(span[(i * sizeof(int))..], bits[i]);
        writer.Advance(DecimalSize);
    }

    private static decimal ReadDecimal(ReadOnlySpan<byte> bytes)
    {
        Span<int> bits = stackalloc int[DecimalSize / sizeof(int)];
        for (int i = 0; i < bits.Length; i++) bits[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(i * sizeof(int))..]);
        try
        {
            return new decimal(bits);
        }
        catch (ArgumentException e)
        {
            throw ThrowHelper.CreateCorruptPrimitive(DecimalManifest, e.Message, e);
        }
    }

    private static bool ReadBoolean(ReadOnlySpan<byte> bytes) => bytes[0] switch
    {
        0 => false,
        1 => true,
        _ => throw ThrowHelper.CreateCorruptPrimitive(BooleanManifest, $"byte {bytes[0]} is neither 0 nor 1", null),
    };

    private static ReadOnlySpan<byte> Exactly(ReadOnlySpan<byte> bytes, int size, string manifest)
    {
        if (bytes.Length != size) ThrowHelper.ThrowPrimitiveLength(manifest, size, bytes.Length);
        return bytes;
    }
}
