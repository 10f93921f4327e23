using Shm.Actors.Event;

namespace Shm.Actors;

/// <summary>
/// Sent to a watcher when a watched actor has stopped (its sender is the dead actor). It is queued as a normal message,
/// after everything the dead actor had sent the watcher. Leaving it unhandled throws <see cref="DeathPactException"/>.
/// </summary>
/// <param name="ActorRef">The actor that stopped.</param>
/// <param name="ExistenceConfirmed">False when the actor was never known to exist (e.g. watching a ref that was already gone).</param>
/// <param name="AddressTerminated">True when the actor's whole system or node was lost rather than the actor stopping.</param>
public sealed record Terminated(IActorRef ActorRef, bool ExistenceConfirmed, bool AddressTerminated) : IAutoReceivedMessage, IDeadLetterSuppression;
