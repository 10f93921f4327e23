namespace Shm.Actors.Event;

/// <summary>Base of every undelivered-message event; subscribe to it to see <see cref="DeadLetter"/>, <see cref="SuppressedDeadLetter"/> and <see cref="Dropped"/>.</summary>
/// <param name="Message">The message.</param>
/// <param name="Sender">Its sender (<see cref="ActorRefs.Nobody"/> when none).</param>
/// <param name="Recipient">Where it was going.</param>
public abstract record AllDeadLetters(object Message, IActorRef Sender, IActorRef Recipient);
