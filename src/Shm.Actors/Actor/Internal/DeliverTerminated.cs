namespace Shm.Actors.Internal;

/// <summary>
/// A death notification queued as a user message, so it arrives after everything the dead actor had sent. The cell
/// unwraps it and delivers <see cref="Message"/> (a Terminated or the WatchWith message) only if still watching.
/// </summary>
internal sealed record DeliverTerminated(IActorRef Actor, object Message) : IAutoReceivedMessage, Event.IDeadLetterSuppression;
