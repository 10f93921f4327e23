using System.Collections.Immutable;

namespace Shm.Actors.Serialization;

/// <summary>
/// A custom serializer in <see cref="ActorSystemSettings.Serializers"/>: how to build it and which message types it takes.
/// Add one with <see cref="ActorSystemSettings.WithSerializer"/>, which checks the arguments.
/// </summary>
/// <param name="Factory">Builds the serializer when the system starts (called once per system, before its actors exist).</param>
/// <param name="BoundTypes">
/// The types it serializes; each binding also covers subclasses and implementers, and the most specific binding of a
/// message's type wins. May be empty: the serializer then only reads payloads that name its <see cref="Serializer.Identifier"/>.
/// </param>
public sealed record SerializerRegistration(Func<ActorSystem, Serializer> Factory, ImmutableArray<Type> BoundTypes);
