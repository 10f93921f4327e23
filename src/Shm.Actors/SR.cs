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

    public static string Format(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
