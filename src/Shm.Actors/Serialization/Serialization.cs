using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Runtime.Serialization;

namespace Shm.Actors.Serialization;

/// <summary>
/// The serializers of one actor system (<see cref="ActorSystem.Serialization"/>, built when the system starts) and the calls
/// a transport makes with them: which serializer a message's type is bound to, serialize into a buffer, deserialize by
/// serializer id and manifest, and turn refs into paths and back. Thread-safe; lookups are cached per type.
/// </summary>
/// <remarks>
/// Always registered: 100 (primitives: numbers, <see cref="bool"/>, <see cref="char"/>, <see cref="decimal"/>,
/// <see cref="Guid"/>, <see cref="string"/>, <c>byte[]</c>), 101 (System.Text.Json, bound to <see cref="object"/>:
/// records and classes, refs inside travel as paths) and 102 (<see cref="Exception"/>, recreated as its own type or as
/// <see cref="RemoteException"/>, and <see cref="Status.Failure"/>/<see cref="Status.Success"/> with their payloads). Custom ones come from
/// <see cref="ActorSystemSettings.WithSerializer"/>; a custom binding of a type replaces the built-in binding of that same type.
/// A binding covers subtypes and implementers; for a message type, the most specific binding wins: the type itself, then
/// the nearest base class, then the most derived bound interfaces, and <see cref="object"/> last. Payloads are trusted:
/// a manifest names the type to build, so only exchange them with processes of the same deployment.
/// </remarks>
/// <example><code>
/// // Sending side (the transport): serialize a payload into the outgoing frame.
/// Serialization serialization = system.Serialization;
/// serialization.Serialize(message, frameWriter, out int serializerId, out string manifest);
/// string recipientPath = Serialization.SerializedActorPath(recipient);
///
/// // Receiving side: rebuild the message and resolve the refs.
/// object message = serialization.Deserialize(payloadBytes, serializerId, manifest);
/// serialization.ResolveActorRef(recipientPath).Tell(message, serialization.ResolveActorRef(senderPath));
/// </code></example>
public sealed partial class Serialization
{
    private static readonly string s_nobodyPath = ActorRefs.Nobody.Path.ToSerializationFormat();

    private readonly FrozenDictionary<int, Serializer> _serializersById;
    private readonly FrozenDictionary<Type, Serializer> _bindings;
    private readonly ConcurrentDictionary<Type, Serializer> _serializersByType = new();

    /// <summary>Builds the built-in and the configured serializers of <paramref name="system"/> and checks the bindings.</summary>
    /// <exception cref="ArgumentException">Two serializers share an identifier, one uses a reserved identifier, or one type is bound twice.</exception>
    internal Serialization(ActorSystem system)
    {
        System = system;
        Register(system, this, out _serializersById, out _bindings);
    }

    /// <summary>The system these serializers belong to.</summary>
    public ActorSystem System { get; }

    /// <summary>The serializer for <paramref name="message"/>'s runtime type (see <see cref="FindSerializerForType"/>).</summary>
    /// <exception cref="SerializationException">Two bindings are equally specific for the type and name different serializers.</exception>
    public Serializer FindSerializerFor(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return FindSerializerForType(message.GetType());
    }

    /// <summary>
    /// The serializer of the most specific binding of <paramref name="type"/>: the type itself, then the nearest bound base
    /// class, then the most derived bound interfaces, then <see cref="object"/> (always bound). Cached per type after the
    /// first call.
    /// </summary>
    /// <exception cref="SerializationException">
    /// Two bindings are equally specific (e.g. two unrelated interfaces the type implements) and name different
    /// serializers; bind the type itself or a base class of it to choose one.
    /// </exception>
    public Serializer FindSerializerForType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _serializersByType.TryGetValue(type, out Serializer? serializer)
            ? serializer
            : _serializersByType.GetOrAdd(type, MostSpecificBinding(type));
    }

    /// <summary>The serializer with <paramref name="id"/> (what the receiving side looks up for each payload).</summary>
    /// <exception cref="SerializationException">No serializer has that identifier; the message lists the registered ones.</exception>
    public Serializer GetSerializerById(int id)
    {
        if (!_serializersById.TryGetValue(id, out Serializer? serializer)) ThrowHelper.ThrowUnknownSerializerId(id, _serializersById.Values);
        return serializer;
    }

    /// <summary>
    /// Writes <paramref name="message"/> with the serializer its type is bound to, and returns what the receiver needs to
    /// read it back: the serializer's identifier and its manifest (empty when the serializer does not include one). Refs
    /// inside the message are written as full paths (<see cref="SerializedActorPath"/>). Any thread; does not block.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="writer">Where the payload goes; on an exception it may hold part of one, which the caller discards.</param>
    /// <param name="serializerId">The <see cref="Serializer.Identifier"/> to put in the envelope.</param>
    /// <param name="manifest">The manifest to put in the envelope, or the empty string.</param>
    /// <exception cref="SerializationException">
    /// The message cannot be serialized (the message names its type and the reason), or its type's bindings are ambiguous.
    /// </exception>
    public void Serialize(object message, IBufferWriter<byte> writer, out int serializerId, out string manifest)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(writer);
        Serializer serializer = FindSerializerFor(message);
        try
        {
            manifest = serializer.IncludeManifest ? serializer.Manifest(message) : "";
            serializer.ToBinary(message, writer);
        }
        catch (Exception e) when (e is not SerializationException)
        {
            throw ThrowHelper.CreateSerializeFailed(serializer, message.GetType(), e);
        }
        serializerId = serializer.Identifier;
    }

    /// <summary>
    /// Rebuilds a message from a payload written by <see cref="Serialize"/> in this or another process. Refs inside it are
    /// resolved through <see cref="ResolveActorRef"/>. Any thread; does not block.
    /// </summary>
    /// <param name="bytes">The payload; only read during the call.</param>
    /// <param name="serializerId">The identifier from the envelope.</param>
    /// <param name="manifest">The manifest from the envelope (empty when the serializer includes none).</param>
    /// <exception cref="SerializationException">
    /// The id is unknown, the manifest names a type not loadable here, or the bytes are not a valid payload.
    /// </exception>
    public object Deserialize(ReadOnlySpan<byte> bytes, int serializerId, string manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Serializer serializer = GetSerializerById(serializerId);
        try
        {
            return serializer.FromBinary(bytes, manifest);
        }
        catch (Exception e) when (e is not SerializationException)
        {
            throw ThrowHelper.CreateDeserializeFailed(serializer, manifest, bytes.Length, e);
        }
    }

    /// <summary>
    /// The path a ref travels as: address, elements and uid (<c>shm://orders@node1/user/cart#4711</c>, see
    /// <see cref="ActorPath.ToSerializationFormat"/>). A ref of a system without <see cref="ActorSystemSettings.Node"/> has
    /// no host in its address, so other processes cannot reach it.
    /// </summary>
    /// <param name="actorRef">The ref.</param>
    public static string SerializedActorPath(IActorRef actorRef)
    {
        ArgumentNullException.ThrowIfNull(actorRef);
        return actorRef.Path.ToSerializationFormat();
    }

    /// <summary>
    /// The ref a serialized path stands for, through <see cref="ActorSystem.Provider"/> (the transport's provider when one is
    /// installed with <see cref="ActorSystemSettings.ProviderFactory"/>): a path of this system gives the live local actor
    /// (its uid checked), a path of another process a remote ref, <see cref="ActorRefs.Nobody"/>'s path
    /// <see cref="ActorRefs.Nobody"/>, and anything else (unknown actor, other incarnation, malformed text)
    /// <see cref="ActorSystem.DeadLetters"/>. Never throws for a bad path.
    /// </summary>
    /// <param name="path">A path from <see cref="SerializedActorPath"/>.</param>
    public IActorRef ResolveActorRef(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == s_nobodyPath) return ActorRefs.Nobody;
        return System.Provider.ResolveActorRef(path);
    }
}
