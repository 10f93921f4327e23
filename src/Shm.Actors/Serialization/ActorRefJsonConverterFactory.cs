using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shm.Actors.Serialization;

/// <summary>
/// Writes every <see cref="IActorRef"/> the JSON serializer meets (a property, a field, a collection element, at any depth)
/// as its serialized path (<see cref="Serialization.SerializedActorPath"/>) and reads it back through
/// <see cref="Serialization.ResolveActorRef"/>, so a ref to an actor of another process arrives as a working remote ref.
/// </summary>
internal sealed class ActorRefJsonConverterFactory(Serialization serialization) : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeof(IActorRef).IsAssignableFrom(typeToConvert);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert), serialization)!;

    /// <summary>The converter for one declared ref type (<see cref="IActorRef"/> itself, or a concrete ref class).</summary>
    private sealed class Converter<TRef>(Serialization serialization) : JsonConverter<TRef>
        where TRef : IActorRef
    {
        public override TRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException(SR.Format(SR.Json_ActorRefNotString, reader.TokenType));
            string path = reader.GetString()!;
            IActorRef resolved = serialization.ResolveActorRef(path);
            return resolved is TRef typed
                ? typed
                : throw new JsonException(SR.Format(SR.Json_ActorRefWrongType, path, resolved.GetType().Name, typeof(TRef).Name));
        }

        public override void Write(Utf8JsonWriter writer, TRef value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Serialization.SerializedActorPath(value));
    }
}
