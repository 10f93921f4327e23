using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Shm.Actors.Serialization;

/// <summary>Startup registration (built-ins, then <see cref="ActorSystemSettings.Serializers"/>) and the most-specific-binding rule.</summary>
public sealed partial class Serialization
{
    /// <summary>Identifiers 0–16 belong to Akka's own serializers.</summary>
    private const int MaxReservedIdentifier = 16;

    private static void Register(
        ActorSystem system,
        Serialization serialization,
        out FrozenDictionary<int, Serializer> serializersById,
        out FrozenDictionary<Type, Serializer> bindings)
    {
        var byId = new Dictionary<int, Serializer>();
        var bound = new Dictionary<Type, Serializer>();

        var primitives = new PrimitiveSerializer(system);
        var json = new JsonSerializer(system, serialization);
        var exceptions = new ExceptionSerializer(system, serialization);
        foreach (Serializer builtIn in (Serializer[])[primitives, json, exceptions]) AddSerializer(byId, builtIn);
        foreach (Type type in PrimitiveSerializer.Manifests.Keys) bound[type] = primitives;
        bound[typeof(object)] = json;
        bound[typeof(Exception)] = exceptions;
        bound[typeof(Status.Failure)] = exceptions;
        bound[typeof(Status.Success)] = exceptions;

        // Custom bindings are collected apart, so binding one type twice is caught, while a custom binding of a type the
        // built-ins bind (string, object, …) simply takes that type over.
        var custom = new Dictionary<Type, Serializer>();
        foreach (SerializerRegistration registration in system.Settings.Serializers)
        {
            ImmutableArray<Type> boundTypes = registration.BoundTypes.IsDefault ? [] : registration.BoundTypes;
            foreach (Type type in boundTypes) ValidateBoundType(type, "settings");
            Serializer serializer = registration.Factory(system) ?? throw ThrowHelper.CreateSerializerFactoryReturnedNull(boundTypes);
            if (serializer.Identifier is >= 0 and <= MaxReservedIdentifier) ThrowHelper.ThrowReservedSerializerIdentifier(serializer, MaxReservedIdentifier);
            AddSerializer(byId, serializer);
            foreach (Type type in boundTypes)
            {
                if (custom.TryGetValue(type, out Serializer? other) && !ReferenceEquals(other, serializer))
                    ThrowHelper.ThrowDuplicateSerializerBinding(type, other, serializer);
                custom[type] = serializer;
            }
        }
        foreach ((Type type, Serializer serializer) in custom) bound[type] = serializer;

        serializersById = byId.ToFrozenDictionary();
        bindings = bound.ToFrozenDictionary();
    }

    private static void AddSerializer(Dictionary<int, Serializer> byId, Serializer serializer)
    {
        if (byId.TryGetValue(serializer.Identifier, out Serializer? existing))
            ThrowHelper.ThrowDuplicateSerializerIdentifier(existing, serializer);
        byId.Add(serializer.Identifier, serializer);
    }

    /// <summary>Rejects what cannot be a message type: null and open generics.</summary>
    internal static void ValidateBoundType(Type? type, string paramName)
    {
        if (type is null) ThrowHelper.ThrowNullBoundType(paramName);
        if (type.ContainsGenericParameters) ThrowHelper.ThrowOpenGenericBoundType(type, paramName);
    }

    /// <summary>Exact type, nearest bound base class, most derived bound interfaces, then <see cref="object"/>.</summary>
    private Serializer MostSpecificBinding(Type type)
    {
        FrozenDictionary<Type, Serializer> bindings = _bindings;
        if (bindings.TryGetValue(type, out Serializer? serializer)) return serializer;
        for (Type? baseType = type.BaseType; baseType is not null && baseType != typeof(object); baseType = baseType.BaseType)
        {
            if (bindings.TryGetValue(baseType, out serializer)) return serializer;
        }

        List<Type>? bound = null;
        foreach (Type candidate in type.GetInterfaces())
        {
            if (bindings.ContainsKey(candidate)) (bound ??= []).Add(candidate);
        }
        if (bound is not null)
        {
            // An interface that another bound interface extends is less specific. Those no other one extends are equally
            // specific: fine if they agree on the serializer, ambiguous if not.
            Type? first = null;
            foreach (Type candidate in bound)
            {
                if (bound.Exists(other => other != candidate && candidate.IsAssignableFrom(other))) continue;
                if (first is null)
                {
                    first = candidate;
                    serializer = bindings[candidate];
                }
                else if (!ReferenceEquals(bindings[candidate], serializer))
                {
                    ThrowHelper.ThrowAmbiguousSerializerBinding(type, first, serializer!, candidate, bindings[candidate]);
                }
            }
            return serializer!;
        }
        return bindings[typeof(object)];
    }
}
