using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using Shm.Actors.Serialization;

namespace Shm.Actors;

/// <summary>
/// Throw sites kept out of the callers: <c>Throw…</c> never returns, <c>Create…</c> builds the exception for expression
/// contexts (<c>?? throw</c>). Both are not inlined, so the callers stay small.
/// </summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowInvalidActorNameEmpty() => throw CreateInvalidActorNameEmpty();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateInvalidActorNameEmpty() => new InvalidActorNameException(SR.ActorName_Empty);

    [DoesNotReturn]
    public static void ThrowInvalidActorNameReserved(string name) => throw CreateInvalidActorNameReserved(name);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateInvalidActorNameReserved(string name) => new InvalidActorNameException(SR.Format(SR.ActorName_Reserved, name));

    [DoesNotReturn]
    public static void ThrowInvalidActorNameCharacter(string name, char c, string allowed) => throw CreateInvalidActorNameCharacter(name, c, allowed);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateInvalidActorNameCharacter(string name, char c, string allowed) => new InvalidActorNameException(SR.Format(SR.ActorName_BadCharacter, name, c, allowed));

    [DoesNotReturn]
    public static void ThrowActorNameNotUnique(string name, ActorPath parent) => throw CreateActorNameNotUnique(name, parent);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateActorNameNotUnique(string name, ActorPath parent) => new InvalidActorNameException(SR.Format(SR.ActorName_NotUnique, name, parent));

    [DoesNotReturn]
    public static void ThrowParentStopped(string name, ActorPath parent) => throw CreateParentStopped(name, parent);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateParentStopped(string name, ActorPath parent) => new InvalidOperationException(SR.Format(SR.ActorOf_ParentStopped, name, parent));

    [DoesNotReturn]
    public static void ThrowSystemTerminating(string? name, string system) => throw CreateSystemTerminating(name, system);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateSystemTerminating(string? name, string system) => new InvalidOperationException(SR.Format(SR.ActorOf_SystemTerminating, name, system));

    [DoesNotReturn]
    public static void ThrowInvalidSystemName(string name) => throw CreateInvalidSystemName(name);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateInvalidSystemName(string name) => new ArgumentException(SR.Format(SR.ActorSystemName_Invalid, name), "name");

    [DoesNotReturn]
    public static void ThrowCreatedWithNew(Type actorType) => throw CreateCreatedWithNew(actorType);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateCreatedWithNew(Type actorType) => new ActorInitializationException(null, SR.Format(SR.ActorCreation_New, actorType.Name), null);

    [DoesNotReturn]
    public static void ThrowNoActiveContext() => throw CreateNoActiveContext();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateNoActiveContext() => new NotSupportedException(SR.Context_NoActiveActor);

    [DoesNotReturn]
    public static void ThrowRunTaskOutsideActor() => throw CreateRunTaskOutsideActor();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateRunTaskOutsideActor() => new NotSupportedException(SR.RunTask_OutsideActor);

    [DoesNotReturn]
    public static void ThrowForwardOutsideActor() => throw CreateForwardOutsideActor();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateForwardOutsideActor() => new NotSupportedException(SR.Forward_OutsideActor);

    [DoesNotReturn]
    public static void ThrowGracefulStopNotLocal(IActorRef target) => throw CreateGracefulStopNotLocal(target);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateGracefulStopNotLocal(IActorRef target) => new NotSupportedException(SR.Format(SR.GracefulStop_NotLocal, target));

    [DoesNotReturn]
    public static void ThrowAskUnsupportedTarget(ICanTell target) => throw CreateAskUnsupportedTarget(target);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateAskUnsupportedTarget(ICanTell target) => new NotSupportedException(SR.Format(SR.Ask_UnsupportedTarget, target.GetType().Name));

    [DoesNotReturn]
    public static void ThrowNotActorType(Type type) => throw CreateNotActorType(type);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateNotActorType(Type type) => new ArgumentException(SR.Format(SR.Props_NotActorType, type), "type");

    [DoesNotReturn]
    public static void ThrowDispatcherNotRegistered(string id, Props props, ActorPath path) => throw CreateDispatcherNotRegistered(id, props, path);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateDispatcherNotRegistered(string id, Props props, ActorPath path) => new ArgumentException(SR.Format(SR.Dispatcher_NotRegistered, id, props, path), "props");

    [DoesNotReturn]
    public static void ThrowMailboxNotRegistered(string id, Props props, ActorPath path) => throw CreateMailboxNotRegistered(id, props, path);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateMailboxNotRegistered(string id, Props props, ActorPath path) => new ArgumentException(SR.Format(SR.Mailbox_NotRegistered, id, props, path), "props");

    [DoesNotReturn]
    public static void ThrowStashOutsideMessage() => throw CreateStashOutsideMessage();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateStashOutsideMessage() => new IllegalActorStateException(SR.Stash_OutsideMessage);

    [DoesNotReturn]
    public static void ThrowStashTwice(object message) => throw CreateStashTwice(message);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateStashTwice(object message) => new IllegalActorStateException(SR.Format(SR.Stash_Twice, message));

    [DoesNotReturn]
    public static void ThrowLateRegistration(Type actorType) => throw CreateLateRegistration(actorType);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateLateRegistration(Type actorType) => new InvalidOperationException(SR.Format(SR.ReceiveActor_LateRegistration, actorType.Name));

    [DoesNotReturn]
    public static void ThrowInvalidAddress(string text) => throw CreateInvalidAddress(text);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateInvalidAddress(string text) => new FormatException(SR.Format(SR.Address_Invalid, text));

    [DoesNotReturn]
    public static void ThrowInvalidPath(string? text) => throw CreateInvalidPath(text);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateInvalidPath(string? text) => new FormatException(SR.Format(SR.Path_Invalid, text));

    [DoesNotReturn]
    public static void ThrowInvalidSelectionPath(string path, string system) => throw CreateInvalidSelectionPath(path, system);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateInvalidSelectionPath(string path, string system) => new ArgumentException(SR.Format(SR.Selection_InvalidPath, path, system), "path");

    [DoesNotReturn]
    public static void ThrowSelectionNoAnswer(ActorSelection selection, TimeSpan timeout, Exception inner) => throw CreateSelectionNoAnswer(selection, timeout, inner);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateSelectionNoAnswer(ActorSelection selection, TimeSpan timeout, Exception inner) => new ActorNotFoundException(SR.Format(SR.Selection_NoAnswer, selection, timeout), inner);

    [DoesNotReturn]
    public static void ThrowSelectionNoActor(ActorSelection selection) => throw CreateSelectionNoActor(selection);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateSelectionNoActor(ActorSelection selection) => new ActorNotFoundException(SR.Format(SR.Selection_NoActor, selection));

    [DoesNotReturn]
    public static void ThrowUnknownPhase(string? phase, string paramName) => throw CreateUnknownPhase(phase, paramName);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateUnknownPhase(string? phase, string paramName) => new ArgumentException(SR.Format(SR.CoordinatedShutdown_UnknownPhase, phase, string.Join(", ", CoordinatedShutdown.PhaseOrder)), paramName);

    [DoesNotReturn]
    public static void ThrowSynchronousSend() => throw CreateSynchronousSend();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateSynchronousSend() => new NotSupportedException(SR.SynchronizationContext_Send);

    [DoesNotReturn]
    public static void ThrowUnknownSerializerId(int id, IEnumerable<Serializer> registered) => throw CreateUnknownSerializerId(id, registered);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateUnknownSerializerId(int id, IEnumerable<Serializer> registered) =>
        new SerializationException(SR.Format(SR.Serialization_UnknownSerializerId, id, string.Join(", ", registered.OrderBy(s => s.Identifier))));

    [DoesNotReturn]
    public static void ThrowUnknownManifestType(string manifest) => throw CreateUnknownManifestType(manifest);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateUnknownManifestType(string manifest) => new SerializationException(SR.Format(SR.Serialization_UnknownManifestType, manifest));

    [DoesNotReturn]
    public static void ThrowAmbiguousSerializerBinding(Type type, Type first, Serializer firstSerializer, Type second, Serializer secondSerializer) =>
        throw CreateAmbiguousSerializerBinding(type, first, firstSerializer, second, secondSerializer);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateAmbiguousSerializerBinding(Type type, Type first, Serializer firstSerializer, Type second, Serializer secondSerializer) =>
        new SerializationException(SR.Format(SR.Serialization_AmbiguousBinding, type, first, firstSerializer, second, secondSerializer));

    [DoesNotReturn]
    public static void ThrowDuplicateSerializerBinding(Type type, Serializer first, Serializer second) => throw CreateDuplicateSerializerBinding(type, first, second);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateDuplicateSerializerBinding(Type type, Serializer first, Serializer second) =>
        new ArgumentException(SR.Format(SR.Serialization_DuplicateBinding, type, first, second), "settings");

    [DoesNotReturn]
    public static void ThrowDuplicateSerializerIdentifier(Serializer first, Serializer second) => throw CreateDuplicateSerializerIdentifier(first, second);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateDuplicateSerializerIdentifier(Serializer first, Serializer second) =>
        new ArgumentException(SR.Format(SR.Serialization_DuplicateIdentifier, first.GetType().Name, second.GetType().Name, second.Identifier), "settings");

    [DoesNotReturn]
    public static void ThrowReservedSerializerIdentifier(Serializer serializer, int maxReserved) => throw CreateReservedSerializerIdentifier(serializer, maxReserved);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateReservedSerializerIdentifier(Serializer serializer, int maxReserved) =>
        new ArgumentException(SR.Format(SR.Serialization_ReservedIdentifier, serializer.GetType().Name, serializer.Identifier, maxReserved), "settings");

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateSerializerFactoryReturnedNull(IEnumerable<Type> boundTypes) =>
        new ArgumentException(SR.Format(SR.Serialization_FactoryReturnedNull, string.Join(", ", boundTypes)), "settings");

    [DoesNotReturn]
    public static void ThrowNullBoundType(string paramName) => throw new ArgumentException(SR.Serialization_NullBoundType, paramName);

    [DoesNotReturn]
    public static void ThrowOpenGenericBoundType(Type type, string paramName) => throw CreateOpenGenericBoundType(type, paramName);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateOpenGenericBoundType(Type type, string paramName) => new ArgumentException(SR.Format(SR.Serialization_OpenGenericBoundType, type), paramName);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateSerializeFailed(Serializer serializer, Type type, Exception inner) =>
        new SerializationException(SR.Format(SR.Serialization_SerializeFailed, serializer, type, inner.Message), inner);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateDeserializeFailed(Serializer serializer, string manifest, int length, Exception inner) =>
        new SerializationException(SR.Format(SR.Serialization_DeserializeFailed, serializer, manifest, length, inner.Message), inner);

    [DoesNotReturn]
    public static void ThrowTruncatedPayload(string what, string field, int position, int length, int remaining) =>
        throw CreateTruncatedPayload(what, field, position, length, remaining);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateTruncatedPayload(string what, string field, int position, int length, int remaining) =>
        new SerializationException(SR.Format(SR.Serialization_TruncatedPayload, what, field, position, length, remaining));

    [DoesNotReturn]
    public static void ThrowCorruptPayload(string what, string field, object value, string expected) => throw CreateCorruptPayload(what, field, value, expected);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateCorruptPayload(string what, string field, object value, string expected) =>
        new SerializationException(SR.Format(SR.Serialization_CorruptPayload, what, field, value, expected));

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateInvalidUtf8(string what, Exception inner) => new SerializationException(SR.Format(SR.Serialization_InvalidUtf8, what, inner.Message), inner);

    [DoesNotReturn]
    public static void ThrowPrimitiveUnsupported(Type type) => throw CreatePrimitiveUnsupported(type);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreatePrimitiveUnsupported(Type type) =>
        new SerializationException(SR.Format(SR.Primitive_Unsupported, type, string.Join(", ", PrimitiveSerializer.Manifests.Keys.Select(t => t.Name))));

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreatePrimitiveUnknownManifest(string manifest) =>
        new SerializationException(SR.Format(SR.Primitive_UnknownManifest, manifest, string.Join(", ", PrimitiveSerializer.Manifests.Values)));

    [DoesNotReturn]
    public static void ThrowPrimitiveLength(string manifest, int expected, int actual) => throw CreatePrimitiveLength(manifest, expected, actual);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreatePrimitiveLength(string manifest, int expected, int actual) =>
        new SerializationException(SR.Format(SR.Primitive_Length, manifest, expected, actual));

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateCorruptPrimitive(string manifest, string reason, Exception? inner) =>
        new SerializationException(SR.Format(SR.Primitive_Corrupt, manifest, reason), inner);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateJsonWriteFailed(Type type, Exception inner) => new SerializationException(SR.Format(SR.Json_WriteFailed, type, inner.Message), inner);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateJsonReadFailed(Type type, Exception inner) => new SerializationException(SR.Format(SR.Json_ReadFailed, type, inner.Message), inner);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateExceptionSerializerUnsupported(Type? type) =>
        new SerializationException(SR.Format(SR.ExceptionSerializer_Unsupported, type?.ToString() ?? "null"));

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CreateExceptionSerializerUnknownManifest(string manifest) =>
        new SerializationException(SR.Format(SR.ExceptionSerializer_UnknownManifest, manifest));
}
