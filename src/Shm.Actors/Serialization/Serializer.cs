using System.Buffers;

namespace Shm.Actors.Serialization;

/// <summary>
/// Turns messages into bytes and back for the shared-memory transport (Akka's <c>Serializer</c> and
/// <c>SerializerWithStringManifest</c> in one type, with a span path). A serializer is identified on the wire by
/// <see cref="Identifier"/>; the receiving process looks it up by that number and passes the bytes together with the
/// <see cref="Manifest"/> the sender wrote, so both processes must register the same serializers under the same ids.
/// </summary>
/// <remarks>
/// One instance serves the whole system and is called from any thread, concurrently: keep no per-call state in fields.
/// Instances are created while the system starts, before its actors and <see cref="ActorSystem.Provider"/> exist; store
/// <see cref="System"/> and use it (e.g. <see cref="ActorSystem.Serialization"/> to resolve refs) only when (de)serializing.
/// Register one with <see cref="ActorSystemSettings.WithSerializer"/>.
/// </remarks>
/// <example><code>
/// public sealed class OrderSerializer(ActorSystem system) : Serializer(system)
/// {
///     public override int Identifier => 1000;
///     public override bool IncludeManifest => false;
///     public override void ToBinary(object message, IBufferWriter&lt;byte&gt; writer)
///     {
///         Span&lt;byte&gt; span = writer.GetSpan(sizeof(int));
///         BinaryPrimitives.WriteInt32LittleEndian(span, ((Order)message).Id);
///         writer.Advance(sizeof(int));
///     }
///     public override object FromBinary(ReadOnlySpan&lt;byte&gt; bytes, string manifest) =>
///         new Order(BinaryPrimitives.ReadInt32LittleEndian(bytes));
/// }
///
/// var settings = ActorSystemSettings.Default.WithSerializer(system => new OrderSerializer(system), typeof(Order));
/// </code></example>
public abstract class Serializer
{
    /// <summary>Creates a serializer of <paramref name="system"/>.</summary>
    /// <param name="system">The system the serializer belongs to (still starting when this runs).</param>
    protected Serializer(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        System = system;
    }

    /// <summary>The system this serializer belongs to.</summary>
    public ActorSystem System { get; }

    /// <summary>
    /// The number that names this serializer on the wire: it must be the same in every process of a deployment and unique
    /// within a system. 0–16 are reserved by Akka and rejected; Shm's built-ins use 100 (primitives), 101 (JSON) and 102
    /// (exceptions and <see cref="Status"/> replies). Read on every send, so return a constant.
    /// </summary>
    public abstract int Identifier { get; }

    /// <summary>
    /// Whether the transport must carry <see cref="Manifest"/> with the bytes. False means <see cref="FromBinary(ReadOnlySpan{byte}, string)"/>
    /// receives the empty string and must know the type from the bytes alone (or handle a single type).
    /// </summary>
    public abstract bool IncludeManifest { get; }

    /// <summary>
    /// The text that tells <see cref="FromBinary(ReadOnlySpan{byte}, string)"/> what to build; only called when
    /// <see cref="IncludeManifest"/> is true. The default is the type's assembly-qualified name without version, culture
    /// and public key token (<c>Shop.Order, Shop.Messages</c>), which survives a version bump of the assembly; override it
    /// with shorter, stable tags when the type name may change or the bytes matter.
    /// </summary>
    /// <param name="message">The message about to be serialized.</param>
    public virtual string Manifest(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return TypeManifest.Of(message.GetType());
    }

    /// <summary>
    /// Writes <paramref name="message"/> to <paramref name="writer"/> (<c>GetSpan</c>/<c>Advance</c>), with no intermediate
    /// array. Must not flush or reset the writer. On an exception the writer may hold a partial payload, which the caller
    /// discards.
    /// </summary>
    /// <param name="message">A message of a type bound to this serializer.</param>
    /// <param name="writer">Where the bytes go.</param>
    /// <exception cref="global::System.Runtime.Serialization.SerializationException">The message cannot be serialized.</exception>
    public abstract void ToBinary(object message, IBufferWriter<byte> writer);

    /// <summary>Builds the message that <see cref="ToBinary(object, IBufferWriter{byte})"/> wrote as <paramref name="bytes"/>.</summary>
    /// <param name="bytes">Exactly the bytes written; only valid during the call (copy what the message keeps).</param>
    /// <param name="manifest">The <see cref="Manifest"/> the sender wrote, or the empty string when <see cref="IncludeManifest"/> is false.</param>
    /// <exception cref="global::System.Runtime.Serialization.SerializationException">The bytes or the manifest are not valid for this serializer.</exception>
    public abstract object FromBinary(ReadOnlySpan<byte> bytes, string manifest);

    /// <summary>Akka's <c>byte[]</c> form of <see cref="ToBinary(object, IBufferWriter{byte})"/>: allocates the array (tests, tools, ported code).</summary>
    /// <param name="message">A message of a type bound to this serializer.</param>
    public byte[] ToBinary(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var writer = new ArrayBufferWriter<byte>();
        ToBinary(message, writer);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Akka's <c>byte[]</c> form of <see cref="FromBinary(ReadOnlySpan{byte}, string)"/> for a known type. The default passes
    /// the default <see cref="Manifest"/> of <paramref name="type"/> (or the empty string when <see cref="IncludeManifest"/>
    /// is false); a serializer with its own manifests overrides this to map the type to one.
    /// </summary>
    /// <param name="bytes">The serialized message.</param>
    /// <param name="type">The type the bytes hold.</param>
    /// <exception cref="global::System.Runtime.Serialization.SerializationException">The bytes are not a <paramref name="type"/>.</exception>
    public virtual object FromBinary(byte[] bytes, Type type)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(type);
        return FromBinary(bytes, IncludeManifest ? TypeManifest.Of(type) : "");
    }

    /// <summary>
    /// The type named by a default <see cref="Manifest"/> (cached per process): what a serializer that keeps the default
    /// manifest calls in <see cref="FromBinary(ReadOnlySpan{byte}, string)"/>.
    /// </summary>
    /// <param name="manifest">An assembly-qualified type name, with or without version.</param>
    /// <exception cref="global::System.Runtime.Serialization.SerializationException">No type of that name can be loaded in this process.</exception>
    protected static Type TypeFromManifest(string manifest) => TypeManifest.Resolve(manifest);

    /// <summary>The serializer's type name and identifier, as error messages show it: <c>OrderSerializer(id 1000)</c>.</summary>
    public override string ToString() => $"{GetType().Name}(id {Identifier})";
}
