using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

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
}
