using System.Globalization;

namespace Shm.Actors;

/// <summary>Exception texts, keyed Kind_Reason. Each names the value seen and the way out.</summary>
internal static class SR
{
    public const string ActorName_Empty = "Actor name must not be empty.";

    public const string ActorName_Reserved = "Actor name '{0}' starts with '$', which is reserved for generated names; pass null to get one.";

    public const string ActorName_BadCharacter = "Actor name '{0}' contains '{1}'; allowed are ASCII letters, digits and {2}.";

    public const string ActorName_NotUnique = "Actor name '{0}' is not unique: {1} already has a child with that name. Stop it (and watch for Terminated) before reusing the name.";

    public const string ActorOf_ParentStopped = "Cannot create child '{0}': {1} has stopped.";

    public const string ActorOf_SystemTerminating = "Cannot create actor '{0}': actor system '{1}' is terminating.";

    public const string ActorSystemName_Invalid = "Actor system name '{0}' is invalid: use ASCII letters, digits and '-', starting with a letter or digit (e.g. 'orders-1').";

    public const string ActorCreation_New = "{0} was created with 'new'. Actors are created by the system: use system.ActorOf(Props.Create(() => new {0}(...))) or Context.ActorOf.";

    public const string Context_NoActiveActor = "There is no active actor context on this thread. Context is only valid inside an actor's Receive, constructor or lifecycle hooks; copy Self and Sender into locals before callbacks.";

    public const string RunTask_OutsideActor = "RunTask must be called while the actor handles a message.";

    public const string Forward_OutsideActor = "Forward needs the sender of the message being handled; call it inside an actor's Receive, or use Tell(message, sender).";

    public const string GracefulStop_NotLocal = "GracefulStop needs a local actor ref; {0} is not one.";

    public const string Ask_UnsupportedTarget = "Ask needs a ref or selection created by a Shm actor system; {0} is not one.";

    public const string Props_NotActorType = "Type {0} is not a concrete subclass of ActorBase, so it cannot be an actor.";

    public const string Dispatcher_NotRegistered = "Dispatcher '{0}' used by {1} for {2} is not registered; add it with ActorSystemSettings.WithDispatcher(\"{0}\", throughput).";

    public const string Mailbox_NotRegistered = "Mailbox '{0}' used by {1} for {2} is not registered; add it with ActorSystemSettings.WithMailbox(\"{0}\", mailboxType).";

    public const string Stash_OutsideMessage = "Stash() was called outside message handling; there is no current message to stash.";

    public const string Stash_Twice = "The message {0} was stashed twice; a message can be stashed once.";

    public const string ReceiveActor_LateRegistration = "{0} registered a handler outside its constructor or a Become callback. Register handlers in the constructor, or switch behaviour with Become(() => {{ Receive<T>(...); }}).";

    public const string Address_Invalid = "'{0}' is not an actor system address; expected protocol://system[@host[:port]], e.g. shm://orders@node1.";

    public const string Path_Invalid = "'{0}' is not an actor path; expected protocol://system[@host[:port]]/element/...[#uid], e.g. shm://orders/user/shipping.";

    public const string Selection_InvalidPath = "'{0}' is not a valid actor path; expected e.g. shm://{1}/user/name.";

    public const string Selection_NoAnswer = "No actor answered at {0} within {1}.";

    public const string Selection_NoActor = "No actor exists at {0}.";

    public const string CoordinatedShutdown_UnknownPhase = "Unknown coordinated-shutdown phase '{0}'; use one of the CoordinatedShutdown.Phase… constants ({1}).";

    public const string SynchronizationContext_Send = "Synchronous Send to an actor's context would deadlock the actor; use Post.";

    public const string Serialization_UnknownSerializerId = "No serializer has identifier {0}; this system has {1}. Register the sender's serializer on this system too (ActorSystemSettings.WithSerializer), with the same identifier.";

    public const string Serialization_UnknownManifestType = "Manifest '{0}' names no type that can be loaded in this process. Deploy the assembly that defines it here, or keep the message types the same in both processes.";

    public const string Serialization_AmbiguousBinding = "Type {0} matches two equally specific serializer bindings: {1} -> {2} and {3} -> {4}. Bind {0} itself (or a base class of it) with ActorSystemSettings.WithSerializer to choose one.";

    public const string Serialization_DuplicateBinding = "Type {0} is bound to two serializers, {1} and {2}; a type may be bound once. Remove one of the bindings from ActorSystemSettings.Serializers.";

    public const string Serialization_DuplicateIdentifier = "Serializers {0} and {1} have the same identifier {2}; identifiers must be unique (100-102 are Shm's built-ins). Register a serializer once, with all its bound types, or give it another identifier.";

    public const string Serialization_ReservedIdentifier = "Serializer {0} uses identifier {1}, but 0-{2} are reserved by Akka. Use a number above {2} that no other serializer uses (Shm's built-ins are 100-102).";

    public const string Serialization_FactoryReturnedNull = "The serializer factory registered for [{0}] returned null; it must return a Serializer.";

    public const string Serialization_NullBoundType = "A bound type is null; pass the message types the serializer handles, e.g. typeof(Order).";

    public const string Serialization_OpenGenericBoundType = "Cannot bind the open generic type {0}; bind each closed type it is used with (e.g. List<Order>, not List<>).";

    public const string Serialization_SerializeFailed = "Serializer {0} could not serialize a {1}: {2}";

    public const string Serialization_DeserializeFailed = "Serializer {0} could not deserialize a payload of {2} bytes with manifest '{1}': {3}";

    public const string Serialization_TruncatedPayload = "Payload of {0} is truncated: {1} at byte {2} needs {3} bytes, but {4} remain.";

    public const string Serialization_CorruptPayload = "Payload of {0} is corrupt: {1} is {2}; expected {3}.";

    public const string Serialization_InvalidUtf8 = "Payload of {0} is corrupt: its text is not valid UTF-8 ({1}).";

    public const string Primitive_Unsupported = "The primitive serializer (id 100) does not handle {0}; it handles {1}. Let the type's binding pick the serializer (Serialization.FindSerializerFor).";

    public const string Primitive_UnknownManifest = "The primitive serializer (id 100) has no manifest '{0}'; it knows {1}. Both processes must run compatible Shm versions.";

    public const string Primitive_Length = "Primitive payload '{0}' must be {1} bytes; it is {2}.";

    public const string Primitive_Corrupt = "Primitive payload '{0}' is corrupt: {1}.";

    public const string Json_WriteFailed = "Cannot serialize {0} as JSON: {1} Use records or classes of public properties (refs typed as IActorRef), or bind {0} to a custom serializer with ActorSystemSettings.WithSerializer.";

    public const string Json_ReadFailed = "Cannot deserialize {0} from JSON: {1} Records and immutable classes need one public constructor (or one marked [JsonConstructor]) whose parameters match the properties.";

    public const string Json_Null = "The payload is JSON null, which is not a message.";

    public const string Json_ActorRefNotString = "An actor ref must be a JSON string (its serialized path); found {0}.";

    public const string Json_ActorRefWrongType = "Path '{0}' resolved to a {1}, which is not the declared {2}; declare refs as IActorRef.";

    public const string ExceptionSerializer_Unsupported = "The exception serializer (id 102) handles exceptions, Status.Failure and Status.Success, not {0}.";

    public const string ExceptionSerializer_UnknownManifest = "The exception serializer (id 102) has no manifest '{0}'; it knows 'F' (Status.Failure), 'S' (Status.Success) and 'E' (exception). Both processes must run compatible Shm versions.";

    public static string Format(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
