using System.Buffers;
using System.Runtime.Serialization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Stj = System.Text.Json.JsonSerializer;

namespace Shm.Actors.Serialization;

/// <summary>
/// Built-in serializer 101, bound to <see cref="object"/>: every message no more specific binding takes, as System.Text.Json
/// UTF-8 with the type's version-free name as manifest. Public properties and fields are written; records and immutable
/// classes are read back through their constructor (one public constructor, or the one marked <c>[JsonConstructor]</c>).
/// Refs (<see cref="IActorRef"/>, at any depth) travel as paths and come back resolved. Declared types are what is written:
/// a property typed as an interface or <see cref="object"/> does not bring its runtime type back (use
/// <c>[JsonPolymorphic]</c>/<c>[JsonDerivedType]</c> or a custom serializer for that).
/// </summary>
internal sealed class JsonSerializer : Serializer
{
    public const int Id = 101;

    /// <summary>What the cached writer points at between calls, so it does not keep a caller's buffer alive.</summary>
    private static readonly ArrayBufferWriter<byte> s_detached = new(1);

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly JsonSerializerOptions _options;

    public JsonSerializer(ActorSystem system, Serialization serialization) : base(system)
    {
        _options = new JsonSerializerOptions
        {
            IncludeFields = true,
            // Bytes on the wire, not HTML: non-ASCII text stays UTF-8 instead of \uXXXX escapes.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            Converters = { new ActorRefJsonConverterFactory(serialization) },
        };
        _options.MakeReadOnly(populateMissingResolver: true);
    }

    public override int Identifier => Id;

    public override bool IncludeManifest => true;

    public override void ToBinary(object message, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(writer);
        // One writer per thread, re-pointed at each call's buffer: no allocation per message. It is taken out of the slot
        // while in use, so a nested call (a user converter serializing through the system) gets a fresh one.
        Utf8JsonWriter json = t_writer ?? new Utf8JsonWriter(s_detached, new JsonWriterOptions { Encoder = _options.Encoder });
        t_writer = null;
        json.Reset(writer);
        try
        {
            Stj.Serialize(json, message, message.GetType(), _options);
            json.Flush();
        }
        catch (Exception e) when (e is not SerializationException)
        {
            throw ThrowHelper.CreateJsonWriteFailed(message.GetType(), e);
        }
        finally
        {
            json.Reset(s_detached);   // also drops bytes a failed call left unflushed
            t_writer = json;
        }
    }

    public override object FromBinary(ReadOnlySpan<byte> bytes, string manifest)
    {
        Type type = TypeFromManifest(manifest);
        object? message;
        try
        {
            message = Stj.Deserialize(bytes, type, _options);
        }
        catch (Exception e) when (e is not SerializationException)
        {
            throw ThrowHelper.CreateJsonReadFailed(type, e);
        }
        return message ?? throw ThrowHelper.CreateJsonReadFailed(type, new JsonException(SR.Json_Null));
    }
}
